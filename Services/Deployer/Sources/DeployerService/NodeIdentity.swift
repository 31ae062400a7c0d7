import CoxswainCore
import CoxswainCrypto
import Foundation

/// The node's own keys and enrolment credentials, kept in its state directory (files mode 0600):
/// `keys.json` (Ed25519 signing and X25519 sealing secret keys, generated on the node, never sent)
/// and `credentials.json` (its broker user, queue and the control plane's public keys).
package struct NodeIdentity: Sendable {
    package let signing: SigningKeyPair
    package let sealing: SealingKeyPair
    package var credentials: EnrolResponse?

    struct StoredKeys: Codable {
        var signingSecretKey: String
        var sealingSecretKey: String
    }

    /// Loads the identity, generating the key pairs on first start.
    /// Removes the node's keys and broker credentials (a re-enrolment makes new ones); the task
    /// journal, args, envs and job cache stay.
    package static func discard(directory: String) throws {
        for file in ["keys.json", "credentials.json"] where FileManager.default.fileExists(atPath: directory + "/" + file) {
            try FileManager.default.removeItem(atPath: directory + "/" + file)
        }
    }

    package static func load(directory: String) throws -> NodeIdentity {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keysPath = directory + "/keys.json"
        let signing: SigningKeyPair
        let sealing: SealingKeyPair
        if let data = FileManager.default.contents(atPath: keysPath) {
            let stored = try JSONDecoder().decode(StoredKeys.self, from: data)
            signing = try SigningKeyPair(secretKey: Array(Data(base64Encoded: stored.signingSecretKey) ?? Data()))
            sealing = try SealingKeyPair(secretKey: Array(Data(base64Encoded: stored.sealingSecretKey) ?? Data()))
        } else {
            signing = SigningKeyPair.generate()
            sealing = SealingKeyPair.generate()
            try saveKeys(signing: signing, sealing: sealing, directory: directory)
        }
        let credentials = FileManager.default.contents(atPath: directory + "/credentials.json").flatMap {
            try? JSONDecoder().decode(EnrolResponse.self, from: $0)
        }
        return NodeIdentity(signing: signing, sealing: sealing, credentials: credentials)
    }

    package static func saveKeys(signing: SigningKeyPair, sealing: SealingKeyPair, directory: String) throws {
        let stored = StoredKeys(
            signingSecretKey: Data(signing.secretKeyBytes).base64EncodedString(), sealingSecretKey: Data(sealing.secretKeyBytes).base64EncodedString()
        )
        try writePrivate(try JSONEncoder().encode(stored), to: directory + "/keys.json")
    }

    package static func saveCredentials(_ credentials: EnrolResponse, directory: String) throws {
        try writePrivate(try JSONEncoder().encode(credentials), to: directory + "/credentials.json")
    }

    /// Writes a file readable by the owner only (created 0600, then renamed into place).
    static func writePrivate(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw EnrolmentError(description: "cannot write \(path): errno \(errno)") }
    }

    package var trustedControlKeys: [SigningPublicKey] {
        (credentials?.controlPlaneKeys ?? []).compactMap { try? SigningPublicKey(base64: $0) }
    }
}
