import CoxswainCrypto
import Foundation
import Testing

@Suite("Ed25519 signatures")
struct SigningTests {
    let message = Array("deploy web@sha256:abc to node-1".utf8)

    @Test("a signature made by a key pair verifies with its public key")
    func roundTrip() {
        let keyPair = SigningKeyPair.generate()
        let signature = keyPair.sign(message)
        #expect(signature.count == 64)
        #expect(keyPair.publicKey.bytes.count == 32)
        #expect(keyPair.publicKey.verify(signature, for: message))
        #expect(keyPair.publicKey.verify(keyPair.sign([]), for: []))
    }

    @Test("a changed message or signature does not verify")
    func tampering() {
        let keyPair = SigningKeyPair.generate()
        let signature = keyPair.sign(message)
        var otherMessage = message
        otherMessage[0] ^= 0x01
        #expect(!keyPair.publicKey.verify(signature, for: otherMessage))
        for index in [0, 31, 32, 63] {
            var otherSignature = signature
            otherSignature[index] ^= 0x80
            #expect(!keyPair.publicKey.verify(otherSignature, for: message), "bit flipped in byte \(index)")
        }
        #expect(!keyPair.publicKey.verify(Array(signature.dropLast()), for: message))
        #expect(!keyPair.publicKey.verify([], for: message))
    }

    @Test("another key pair's public key does not verify the signature")
    func wrongKey() {
        let signature = SigningKeyPair.generate().sign(message)
        #expect(!SigningKeyPair.generate().publicKey.verify(signature, for: message))
    }

    @Test("a key pair restored from its secret key has the same public key and signs verifiably")
    func restoreFromSecretKey() throws {
        let original = SigningKeyPair.generate()
        let restored = try SigningKeyPair(secretKey: original.secretKeyBytes)
        #expect(restored.publicKey == original.publicKey)
        #expect(original.publicKey.verify(restored.sign(message), for: message))
        // Ed25519 is deterministic: same key, same message, same signature.
        #expect(restored.sign(message) == original.sign(message))
    }

    @Test("a secret key of the wrong length or with a foreign public half is refused")
    func invalidSecretKeys() {
        var secret = SigningKeyPair.generate().secretKeyBytes
        #expect(throws: CryptoError.self) { try SigningKeyPair(secretKey: Array(secret.prefix(32))) }
        #expect(throws: CryptoError.self) { try SigningKeyPair(secretKey: secret + [0]) }
        secret[40] ^= 0x01  // the public half no longer matches the seed
        #expect {
            try SigningKeyPair(secretKey: secret)
        } throws: { error in
            guard case .invalidKey(let reason) = error as? CryptoError else { return false }
            return reason.contains("does not match")
        }
    }

    @Test("a public key round-trips through base64 and Codable (as a base64 string)")
    func publicKeyEncodings() throws {
        let publicKey = SigningKeyPair.generate().publicKey
        #expect(publicKey.base64.count == 44)
        #expect(try SigningPublicKey(base64: publicKey.base64) == publicKey)
        #expect(try SigningPublicKey(base64: " \(publicKey.base64)\n") == publicKey)
        #expect(try SigningPublicKey(bytes: publicKey.bytes) == publicKey)
        #expect(publicKey.base64 == Data(publicKey.bytes).base64EncodedString())

        let json = try JSONEncoder().encode(["signer": publicKey])
        #expect(String(decoding: json, as: UTF8.self) == #"{"signer":"\#(publicKey.base64.replacingOccurrences(of: "/", with: "\\/"))"}"#)
        let decoded = try JSONDecoder().decode([String: SigningPublicKey].self, from: json)
        #expect(decoded["signer"] == publicKey)
    }

    @Test("malformed public keys are refused, in Codable as a DecodingError")
    func malformedPublicKeys() {
        #expect(throws: CryptoError.self) { try SigningPublicKey(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.self) { try SigningPublicKey(base64: "not base64!") }
        #expect(throws: CryptoError.self) { try SigningPublicKey(base64: Data(count: 16).base64EncodedString()) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([SigningPublicKey].self, from: Data(#"["AAAA"]"#.utf8))
        }
    }
}
