/// Generates broker passwords for node users.
package enum BrokerPassword {
    /// Number of random bytes in a password (256 bits).
    package static let byteCount = 32

    /// `byteCount` random bytes as unpadded base64url (43 characters of `A-Z a-z 0-9 - _`,
    /// so the password needs no escaping in a URL, a shell or a configuration file).
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// Same, from `generator` (tests pass a seeded one).
    package static func generate(using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        while bytes.count < byteCount {
            let word: UInt64 = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < byteCount {
                bytes.append(UInt8(truncatingIfNeeded: word >> shift))
            }
        }
        return base64URL(bytes)
    }

    /// Unpadded base64url (RFC 4648 §5).
    package static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
        var result = ""
        result.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = UInt32(0)
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count {
                result.unicodeScalars.append(alphabet[Int(value >> (18 - 6 * position) & 0x3F)])
            }
            index += 3
        }
        return result
    }
}
