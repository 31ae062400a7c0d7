/// An SSH private key and its passphrase, as sealed at rest (stored credentials, a run's
/// `--key-file`). Its description never shows the key.
public struct SSHKeyMaterial: Codable, Sendable, Equatable, CustomStringConvertible {
    public var privateKey: String
    public var passphrase: String?

    public init(privateKey: String, passphrase: String? = nil) {
        self.privateKey = privateKey
        self.passphrase = passphrase
    }

    public var description: String { "SSHKeyMaterial(redacted)" }
}
