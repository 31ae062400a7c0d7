/// A content digest (`sha256:2627fb…`) from a registry's answer, validated before it goes into a
/// URL (OCI image spec: `algorithm ":" encoded`).
struct ImageDigest: Sendable, Hashable, CustomStringConvertible {
    /// The validated digest.
    let value: String

    /// A digest that matches the grammar; `sha256` and `sha512` must have their exact lowercase hex length.
    init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        value = text
    }

    var description: String { value }

    /// `algorithm := [a-z0-9]+([+._-][a-z0-9]+)*`, `encoded := [a-zA-Z0-9=_-]+`, at most 256 characters.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 256, let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let algorithm = bytes[..<colon]
        let encoded = bytes[(colon + 1)...]
        guard let first = algorithm.first, let last = algorithm.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last), !encoded.isEmpty else {
            return false
        }
        var previousWasSeparator = false
        for byte in algorithm {
            if isLowerAlphanumeric(byte) {
                previousWasSeparator = false
            } else if byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else {
                return false
            }
        }
        let isHex = encoded.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        switch String(decoding: algorithm, as: UTF8.self) {
        case "sha256": return encoded.count == 64 && isHex
        case "sha512": return encoded.count == 128 && isHex
        default:
            return encoded.allSatisfy {
                isLowerAlphanumeric($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "_")
                    || $0 == UInt8(ascii: "-")
            }
        }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
