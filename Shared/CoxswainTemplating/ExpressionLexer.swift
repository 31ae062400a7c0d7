/// Splits the source of one Jinja expression into tokens.
enum ExpressionLexer {
    enum Token: Equatable {
        case name(String)
        case string(String)
        case int(Int)
        case double(Double)
        /// An operator or punctuation: `==`, `|`, `(`, `.`...
        case symbol(String)
    }

    /// A syntax problem, described for the template author.
    struct Failure: Error, Equatable {
        var message: String
    }

    private static let twoCharacterSymbols: Set<String> = ["**", "//", "==", "!=", "<=", ">="]
    private static let oneCharacterSymbols = Set("+-*/%~<>=()[]{}.,:|".utf8)

    /// Works on UTF-8 bytes: every delimiter is ASCII, and any non-ASCII byte can only be part
    /// of a name or a string literal.
    static func tokens(_ source: String) throws(Failure) -> [Token] {
        var tokens: [Token] = []
        let bytes = Array(source.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isSpace(byte) {
                index += 1
            } else if isNameStart(byte) {
                let start = index
                while index < bytes.count, isNameStart(bytes[index]) || isDigit(bytes[index]) { index += 1 }
                tokens.append(.name(String(decoding: bytes[start..<index], as: UTF8.self)))
            } else if isDigit(byte) {
                // After a dot only an integer: `a.0.b` is `a[0].b`, as in Jinja.
                let afterDot = tokens.last == .symbol(".")
                tokens.append(try number(bytes, &index, integerOnly: afterDot))
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                tokens.append(.string(try string(bytes, &index)))
            } else if index + 1 < bytes.count, case let pair = String(decoding: bytes[index...(index + 1)], as: UTF8.self),
                twoCharacterSymbols.contains(pair)
            {
                tokens.append(.symbol(pair))
                index += 2
            } else if oneCharacterSymbols.contains(byte) {
                tokens.append(.symbol(String(UnicodeScalar(byte))))
                index += 1
            } else {
                throw Failure(message: "unexpected character '\(UnicodeScalar(byte))'")
            }
        }
        return tokens
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// ASCII letters, `_`, and any byte of a non-ASCII character (names may be Unicode).
    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
    }

    private static func number(_ bytes: [UInt8], _ index: inout Int, integerOnly: Bool) throws(Failure) -> Token {
        func digits() -> String {
            var text = ""
            while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "_") {
                if bytes[index] != UInt8(ascii: "_") { text.append(Character(UnicodeScalar(bytes[index]))) }
                index += 1
            }
            return text
        }
        var text = digits()
        var isFloat = false
        if !integerOnly, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), isDigit(bytes[index + 1]) {
            index += 1
            text += "." + digits()
            isFloat = true
        }
        if !integerOnly, index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            var lookahead = index + 1
            var sign = ""
            if lookahead < bytes.count, bytes[lookahead] == UInt8(ascii: "+") || bytes[lookahead] == UInt8(ascii: "-") {
                sign = String(UnicodeScalar(bytes[lookahead]))
                lookahead += 1
            }
            if lookahead < bytes.count, isDigit(bytes[lookahead]) {
                index = lookahead
                text += "e" + sign + digits()
                isFloat = true
            }
        }
        if isFloat, let value = Double(text) { return .double(value) }
        if let value = Int(text) { return .int(value) }
        throw Failure(message: "number '\(text)' is out of range")
    }

    private static func string(_ bytes: [UInt8], _ index: inout Int) throws(Failure) -> String {
        let quote = bytes[index]
        index += 1
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == quote { return String(decoding: text, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\"), index < bytes.count else {
                text.append(byte)
                continue
            }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "0"): text.append(0)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): text.append(escaped)
            case 0x0A: break
            case UInt8(ascii: "x"), UInt8(ascii: "u"):
                let length = escaped == UInt8(ascii: "x") ? 2 : 4
                let end = min(index + length, bytes.count)
                guard end - index == length, let code = UInt32(String(decoding: bytes[index..<end], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(code)
                else {
                    throw Failure(message: "invalid '\\\(UnicodeScalar(escaped))' escape in a string literal")
                }
                text.append(contentsOf: Array(String(scalar).utf8))
                index = end
            default:
                text.append(UInt8(ascii: "\\"))
                text.append(escaped)
            }
        }
        throw Failure(message: "string literal is never closed")
    }
}
