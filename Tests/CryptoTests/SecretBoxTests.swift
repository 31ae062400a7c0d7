import CoxswainCrypto
import Foundation
import Testing

@Suite("XChaCha20-Poly1305 secret box")
struct SecretBoxTests {
    let plaintext = Array("s3cr3t-registry-password".utf8)
    let row = Array("registry:42:password".utf8)

    @Test("a sealed value opens with the same key and associated data")
    func roundTrip() throws {
        let box = try SecretBox(key: SecretBox.generateKey())
        let sealed = box.seal(plaintext, associatedData: row)
        #expect(sealed.count == 24 + plaintext.count + 16)
        #expect(try box.open(sealed, associatedData: row) == plaintext)
        #expect(try box.open(box.seal(plaintext)) == plaintext)
        #expect(try box.open(box.seal([])) == [])
    }

    @Test("flipping any single bit makes the value fail to open")
    func tampering() throws {
        let box = try SecretBox(key: SecretBox.generateKey())
        let sealed = box.seal(plaintext, associatedData: row)
        for index in [0, 23, 24, sealed.count - 17, sealed.count - 1] {
            var altered = sealed
            altered[index] ^= 0x01
            #expect(throws: CryptoError.decryptionFailed, "bit flipped in byte \(index)") {
                try box.open(altered, associatedData: row)
            }
        }
        #expect(throws: CryptoError.decryptionFailed) { try box.open(Array(sealed.dropLast()), associatedData: row) }
        #expect {
            try box.open([UInt8](repeating: 0, count: 39))
        } throws: { error in
            guard case .malformed = error as? CryptoError else { return false }
            return true
        }
    }

    @Test("a value does not open with other associated data (another row) or none")
    func wrongAssociatedData() throws {
        let box = try SecretBox(key: SecretBox.generateKey())
        let sealed = box.seal(plaintext, associatedData: row)
        #expect(throws: CryptoError.decryptionFailed) { try box.open(sealed, associatedData: Array("registry:43:password".utf8)) }
        #expect(throws: CryptoError.decryptionFailed) { try box.open(sealed) }
    }

    @Test("a value does not open with another key")
    func wrongKey() throws {
        let sealed = try SecretBox(key: SecretBox.generateKey()).seal(plaintext)
        #expect(throws: CryptoError.decryptionFailed) { try SecretBox(key: SecretBox.generateKey()).open(sealed) }
    }

    @Test("two seals of the same plaintext differ (random nonce)")
    func randomNonce() throws {
        let box = try SecretBox(key: SecretBox.generateKey())
        let first = box.seal(plaintext, associatedData: row)
        let second = box.seal(plaintext, associatedData: row)
        #expect(first != second)
        #expect(first.prefix(24) != second.prefix(24))
    }

    @Test("a base64 master key (with a trailing newline) gives the same box as its bytes")
    func base64Key() throws {
        let key = SecretBox.generateKey()
        let fromBytes = try SecretBox(key: key)
        let fromBase64 = try SecretBox(base64Key: Data(key).base64EncodedString() + "\n")
        #expect(try fromBase64.open(fromBytes.seal(plaintext)) == plaintext)
        let generated = SecretBox.generateBase64Key()
        #expect(Data(base64Encoded: generated)?.count == 32)
        #expect(generated != SecretBox.generateBase64Key())
        _ = try SecretBox(base64Key: generated)
    }

    @Test("master keys of the wrong length or encoding are refused")
    func invalidKeys() {
        #expect(throws: CryptoError.self) { try SecretBox(key: [UInt8](repeating: 7, count: 31)) }
        #expect(throws: CryptoError.self) { try SecretBox(key: []) }
        #expect(throws: CryptoError.self) { try SecretBox(base64Key: Data(count: 16).base64EncodedString()) }
        #expect(throws: CryptoError.self) { try SecretBox(base64Key: "%%%") }
        #expect(throws: CryptoError.self) { try SecretBox(base64Key: "") }
    }
}
