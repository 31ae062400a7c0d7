import Foundation

/// Finds a NUL character in a JSON body's strings (values and keys). PostgreSQL cannot store NUL
/// in text, so such a body is refused up front with the field's path instead of failing in the
/// database.
enum NULScanner {
    /// The path (`steps[2].arguments`, `labels` for a key) of the first string holding a NUL,
    /// or nil when there is none or the body is not JSON (the decoder reports that).
    static func firstPath(in data: Data) -> String? {
        // Cheap pre-check: a NUL in a JSON string is spelled `\u0000` (a raw NUL is not JSON).
        guard mayHoldNUL(data) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return firstPath(in: object, at: "")
    }

    /// Whether the bytes hold `\u0000` or a raw NUL (false positives such as `\\u0000` are
    /// settled by walking the parsed JSON).
    static func mayHoldNUL(_ data: Data) -> Bool {
        let escape = Array(#"\u0000"#.utf8)
        return data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0 { return true }
                if b == 0x5C, i + escape.count <= bytes.count {
                    if (0..<escape.count).allSatisfy({ bytes[i + $0] == escape[$0] }) { return true }
                    i += 2  // skip the escaped character (so `\\` never starts a match)
                    continue
                }
                i += 1
            }
            return false
        }
    }

    static func firstPath(in value: Any, at path: String) -> String? {
        switch value {
        case let text as String:
            return text.unicodeScalars.contains("\u{0}") ? (path.isEmpty ? "(body)" : path) : nil
        case let array as [Any]:
            for (i, element) in array.enumerated() {
                if let found = firstPath(in: element, at: "\(path)[\(i)]") { return found }
            }
            return nil
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if key.unicodeScalars.contains("\u{0}") { return path.isEmpty ? "(a key)" : "\(path) (a key)" }
                if let found = firstPath(in: object[key]!, at: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
