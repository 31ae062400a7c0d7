import CoxswainCrypto
import Foundation
import Testing

@Suite("Secrets stay out of descriptions")
struct RedactionTests {
    /// Every rendering of `value` a log line, string interpolation, `dump` or `po` could produce.
    static func renderings(of value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped]
    }

    /// Every way the secret's bytes could be spelled.
    static func spellings(of secret: [UInt8]) -> [String] {
        let data = Data(secret)
        return [
            data.base64EncodedString(),
            String(data.base64EncodedString().prefix(16)),
            secret.map { String(format: "%02x", $0) }.joined(),
            secret.map { String(format: "%02X", $0) }.joined(),
            String(secret.map { String(format: "%02x", $0) }.joined().prefix(16)),
            "\(secret)",
            secret.prefix(4).map(String.init).joined(separator: "\n"),
        ]
    }

    static func expectRedacted(_ value: Any, secret: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        for rendering in renderings(of: value) {
            #expect(rendering.contains("<redacted>"), "\(rendering)", sourceLocation: sourceLocation)
            for spelling in spellings(of: secret) {
                #expect(!rendering.contains(spelling), "secret spelled as \(spelling.prefix(8))... appears in \(rendering)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("a signing key pair shows its public key but never its secret key")
    func signingKeyPair() {
        let keyPair = SigningKeyPair.generate()
        // Only the seed half is secret; the second half of the 64 bytes is the public key.
        Self.expectRedacted(keyPair, secret: Array(keyPair.secretKeyBytes.prefix(32)))
        #expect(String(describing: keyPair).contains(keyPair.publicKey.base64))
    }

    @Test("a sealing key pair shows its public key but never its secret key")
    func sealingKeyPair() {
        let keyPair = SealingKeyPair.generate()
        Self.expectRedacted(keyPair, secret: keyPair.secretKeyBytes)
        #expect(String(describing: keyPair).contains(keyPair.publicKey.base64))
    }

    @Test("a secret box never shows its key")
    func secretBox() throws {
        let key = SecretBox.generateKey()
        Self.expectRedacted(try SecretBox(key: key), secret: key)
        Self.expectRedacted([try SecretBox(key: key)], secret: key)
    }

    @Test("errors are not retriable and describe the problem without key material")
    func errors() {
        let errors: [CryptoError] = [.invalidKey("x"), .invalidSignature, .decryptionFailed, .malformed("y"), .libraryFailure("z")]
        for error in errors {
            #expect(!error.isRetriable)
            #expect(!error.description.isEmpty)
        }
        do {
            _ = try SecretBox(base64Key: "c2VjcmV0LWJ1dC1zaG9ydA==")
            Issue.record("a short key must be refused")
        } catch {
            #expect(!String(describing: error).contains("c2VjcmV0"))
        }
    }
}
