import CoxswainCrypto
import Foundation
import Testing

@Suite("X25519 sealed boxes")
struct SealingTests {
    let plaintext = Array("registry password: hunter2".utf8)

    @Test("a box sealed to a public key opens with its key pair")
    func roundTrip() throws {
        let keyPair = SealingKeyPair.generate()
        let sealed = keyPair.publicKey.seal(plaintext)
        #expect(sealed.count == plaintext.count + 48)
        #expect(try keyPair.open(sealed) == plaintext)
        #expect(try keyPair.open(keyPair.publicKey.seal([])) == [])
    }

    @Test("sealing the same plaintext twice gives different boxes (ephemeral sender key)")
    func randomised() {
        let publicKey = SealingKeyPair.generate().publicKey
        #expect(publicKey.seal(plaintext) != publicKey.seal(plaintext))
    }

    @Test("another key pair cannot open the box")
    func wrongKey() {
        let sealed = SealingKeyPair.generate().publicKey.seal(plaintext)
        #expect(throws: CryptoError.decryptionFailed) { try SealingKeyPair.generate().open(sealed) }
    }

    @Test("a changed box does not open, a too-short one is malformed")
    func tampering() {
        let keyPair = SealingKeyPair.generate()
        var sealed = keyPair.publicKey.seal(plaintext)
        sealed[sealed.count - 1] ^= 0x01
        #expect(throws: CryptoError.decryptionFailed) { try keyPair.open(sealed) }
        #expect {
            try keyPair.open([UInt8](repeating: 0, count: 47))
        } throws: { error in
            guard case .malformed = error as? CryptoError else { return false }
            return true
        }
    }

    @Test("a key pair restored from its secret key derives the same public key and opens old boxes")
    func restoreFromSecretKey() throws {
        let original = SealingKeyPair.generate()
        let sealed = original.publicKey.seal(plaintext)
        let restored = try SealingKeyPair(secretKey: original.secretKeyBytes)
        #expect(restored.publicKey == original.publicKey)
        #expect(try restored.open(sealed) == plaintext)
        #expect(throws: CryptoError.self) { try SealingKeyPair(secretKey: [1, 2, 3]) }
    }

    @Test("a public key round-trips through base64 and Codable (as a base64 string)")
    func publicKeyEncodings() throws {
        let publicKey = SealingKeyPair.generate().publicKey
        #expect(try SealingPublicKey(base64: publicKey.base64) == publicKey)
        #expect(try SealingPublicKey(bytes: publicKey.bytes) == publicKey)
        let json = try JSONEncoder().encode(publicKey)
        #expect(try JSONDecoder().decode(String.self, from: json) == publicKey.base64)
        #expect(try JSONDecoder().decode(SealingPublicKey.self, from: json) == publicKey)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SealingPublicKey.self, from: Data(#""@@""#.utf8)) }
        #expect(Set([publicKey, publicKey, SealingKeyPair.generate().publicKey]).count == 2)
    }
}
