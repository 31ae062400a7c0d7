/// One word of a job's argument string.
struct ArgumentToken {
    /// The word with its quotes removed (`'a b'` → `a b`); Jinja blocks are kept as written.
    var text: String
    /// Where the word starts in the argument string.
    var start: String.Index
    /// Just past the word's last character.
    var end: String.Index
    /// Whether any part of the word was quoted; a quoted `"--x"` is an operand, not an option.
    var isQuoted: Bool

    /// `true` for an unquoted word spelled like an option (`--x`, `--x=1`), but not `--` itself.
    var isOptionLike: Bool { !isQuoted && text.hasPrefix("--") && text != "--" }
    /// `true` for an unquoted `--`, which ends the options.
    var isEndOfOptions: Bool { !isQuoted && text == "--" }
}

/// Why an argument string could not be split into words.
struct TokenizeFailure: Error {
    var message: String
}

/// Splits a job's argument string into words one at a time, so that a verb can stop at the
/// first word that is not one of its options and keep the rest of the string as written.
///
/// Words are split on whitespace, with POSIX-shell-like quoting (as Python's `shlex`, which
/// Directord uses for `ADD` operands): `'...'` keeps everything, `"..."` honours `\"` and
/// `\\`, and a backslash outside quotes escapes the next character. A Jinja block (`{{ … }}`,
/// `{% … %}`, `{# … #}`) is never split, so `/etc/{{ name | replace(".", "-") }}.conf` is one
/// word — Directord split it on its spaces and failed.
struct ArgumentCursor {
    /// The whole argument string.
    let source: String
    /// Where the next word is searched from.
    private(set) var index: String.Index

    init(_ source: String) {
        self.source = source
        self.index = source.startIndex
    }

    /// The next word, without consuming it.
    func peek() throws(TokenizeFailure) -> ArgumentToken? {
        var copy = self
        return try copy.next()
    }

    /// The text from `position` to the end of the string, exactly as written.
    func rest(from position: String.Index) -> String { String(source[position...]) }

    /// The text after the last consumed word, without its leading whitespace.
    var remainder: String {
        String(source[index...].drop(while: \.isWhitespace))
    }

    /// Consumes and returns the next word, or `nil` at the end of the string.
    mutating func next() throws(TokenizeFailure) -> ArgumentToken? {
        while index < source.endIndex, source[index].isWhitespace { index = source.index(after: index) }
        guard index < source.endIndex else { return nil }
        let start = index
        var text = ""
        var quoted = false
        while index < source.endIndex, !source[index].isWhitespace {
            let character = source[index]
            switch character {
            case "'":
                quoted = true
                index = source.index(after: index)
                guard let close = source[index...].firstIndex(of: "'") else {
                    throw TokenizeFailure(message: "unterminated ' quote in \(String(source[start...]).debugDescription)")
                }
                text += source[index..<close]
                index = source.index(after: close)
            case "\"":
                quoted = true
                index = source.index(after: index)
                try readDoubleQuoted(into: &text, from: start)
            case "\\":
                index = source.index(after: index)
                if index < source.endIndex {
                    text.append(source[index])
                    index = source.index(after: index)
                } else {
                    text.append("\\")
                }
            case "{" where isJinjaOpening(at: index):
                let closer = jinjaCloser(at: index)
                let bodyStart = source.index(index, offsetBy: 2)
                let end = source[bodyStart...].firstRange(of: closer)?.upperBound ?? source.endIndex
                text += source[index..<end]
                index = end
            default:
                text.append(character)
                index = source.index(after: index)
            }
        }
        return ArgumentToken(text: text, start: start, end: index, isQuoted: quoted)
    }

    private mutating func readDoubleQuoted(into text: inout String, from start: String.Index) throws(TokenizeFailure) {
        while index < source.endIndex {
            let character = source[index]
            if character == "\"" {
                index = source.index(after: index)
                return
            }
            if character == "\\" {
                let next = source.index(after: index)
                if next < source.endIndex, source[next] == "\"" || source[next] == "\\" {
                    text.append(source[next])
                    index = source.index(after: next)
                    continue
                }
            }
            text.append(character)
            index = source.index(after: index)
        }
        throw TokenizeFailure(message: "unterminated \" quote in \(String(source[start...]).debugDescription)")
    }

    private func isJinjaOpening(at position: String.Index) -> Bool {
        let next = source.index(after: position)
        guard next < source.endIndex else { return false }
        return source[next] == "{" || source[next] == "%" || source[next] == "#"
    }

    private func jinjaCloser(at position: String.Index) -> String {
        switch source[source.index(after: position)] {
        case "%": "%}"
        case "#": "#}"
        default: "}}"
        }
    }
}
