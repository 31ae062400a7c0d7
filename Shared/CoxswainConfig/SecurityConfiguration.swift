import Foundation

/// Keys of the control plane's secrets (Gateway and Scheduler).
package struct SecurityConfiguration: Sendable {
    /// `security.master_key` (secret): base64 of 32 random bytes; seals secrets at rest (the control
    /// signing key, …). Generate one with `head -c32 /dev/urandom | base64`.
    package var masterKey: String
    /// `security.batch_ttl`: how long a signed task batch stays valid. Default 10m.
    package var batchTTL: Duration

    package static let keys: [(key: String, help: String)] = [
        ("security.master_key", "base64 of 32 random bytes sealing secrets at rest (secret, required)"),
        ("security.batch_ttl", "validity of a signed task batch (default 10m)"),
    ]

    package init(_ config: ConfigReaderStack) throws(ConfigError) {
        let key = try config.requiredString("security.master_key")
        guard let bytes = [UInt8](base64: key), bytes.count == 32 else {
            throw .invalidValue(key: "security.master_key", reason: "must be base64 of exactly 32 bytes (head -c32 /dev/urandom | base64)")
        }
        _ = bytes
        masterKey = key
        batchTTL = try config.duration("security.batch_ttl", default: .seconds(600), minimum: .seconds(5))
    }
}

extension [UInt8] {
    init?(base64: String) {
        guard let data = Foundation.Data(base64Encoded: base64) else { return nil }
        self = Array(data)
    }
}
