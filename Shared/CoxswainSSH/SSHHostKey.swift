import Foundation

/// A server's public host key: the SSH wire-format key blob and its algorithm name
/// (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …), as in a `known_hosts` line.
package struct SSHHostKey: Sendable, Hashable, CustomStringConvertible {
    /// The key type, read from the blob itself (for RSA always `ssh-rsa`, whatever signature
    /// algorithm was negotiated): the second field of a `known_hosts` line.
    package let algorithm: String
    /// The public key in SSH wire format (RFC 4253 §6.6).
    package let blob: [UInt8]

    /// Parses a wire-format key blob; `nil` if it does not start with a key type string.
    package init?(blob: [UInt8]) {
        // string algorithm: uint32 big-endian length, then that many ASCII bytes.
        guard blob.count >= 4 else { return nil }
        let length = blob[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, length <= 64, blob.count >= 4 + length,
            let name = String(bytes: blob[4..<(4 + length)], encoding: .ascii),
            name.allSatisfy({ $0.isLetter || $0.isNumber || "-@.".contains($0) })
        else { return nil }
        self.algorithm = name
        self.blob = blob
    }

    /// Parses the `algorithm base64` pair of a `known_hosts` or `.pub` line; `nil` if the
    /// base64 is invalid or names another algorithm than `algorithm`.
    package init?(algorithm: String, base64: some StringProtocol) {
        guard let data = Data(base64Encoded: String(base64)), let key = SSHHostKey(blob: Array(data)),
            key.algorithm == algorithm
        else { return nil }
        self = key
    }

    /// Parses an OpenSSH public key line (`ssh-ed25519 AAAA… comment`, as in `*.pub`).
    package init?(openSSHPublicKey line: some StringProtocol) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2 else { return nil }
        self.init(algorithm: String(fields[0]), base64: fields[1])
    }

    /// The blob in base64 with padding: the third field of a `known_hosts` line.
    package var base64: String { Data(blob).base64EncodedString() }

    /// OpenSSH's fingerprint, `SHA256:` and the unpadded base64 of the blob's SHA-256, as
    /// printed by `ssh-keygen -lf` and by `ssh` when it asks to trust a host.
    package var fingerprint: String {
        var encoded = Data(SSHDigest.sha256(blob)).base64EncodedString()
        while encoded.hasSuffix("=") { encoded.removeLast() }
        return "SHA256:" + encoded
    }

    /// The `known_hosts` line for this key: `host algorithm base64`, with `[host]:port` as the
    /// host when the port is not 22 (OpenSSH's convention). Host names are lower-cased.
    package func knownHostsLine(host: String, port: Int = 22) -> String {
        "\(KnownHosts.hostKey(host: host, port: port)) \(algorithm) \(base64)"
    }

    /// `algorithm fingerprint`.
    package var description: String { "\(algorithm) \(fingerprint)" }
}
