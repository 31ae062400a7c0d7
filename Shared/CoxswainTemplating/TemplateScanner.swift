/// Splits Jinja template source into text, `{{ expression }}` and `{% tag %}` segments, the way
/// Jinja's lexer does, before the segments are handed to Stencil's parser.
///
/// It does what Stencil's lexer cannot: exact line numbers (Stencil's repeat on identical lines),
/// `}}` / `%}` inside string literals and dict literals, `{{-`/`-}}` as well as `{%-`/`-%}`
/// whitespace control, `{% raw %}`, Jinja's `trim_blocks`/`lstrip_blocks`/`keep_trailing_newline`,
/// and comments (`{# #}`), which it drops.
struct TemplateScanner {
    /// One piece of a scanned template.
    enum Segment: Equatable {
        /// Literal text, whitespace control already applied.
        case text(String)
        /// `{{ expression }}`: the expression source and the line it starts on.
        case output(expression: String, line: Int)
        /// `{% name body %}`: the tag name, the rest of the tag and the line it starts on.
        case tag(name: String, body: String, line: Int)
    }

    let options: TemplateRenderer.Options

    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let percent = UInt8(ascii: "%")
    private static let hash = UInt8(ascii: "#")
    private static let minus = UInt8(ascii: "-")
    private static let plus = UInt8(ascii: "+")
    private static let newline = UInt8(ascii: "\n")

    /// Scans `source`; `template` names it in errors.
    func scan(_ source: String, template: String) throws(TemplateError) -> [Segment] {
        var bytes = Array(Self.normalizedNewlines(source).utf8)
        if !options.keepTrailingNewline, bytes.last == Self.newline { bytes.removeLast() }

        var segments: [Segment] = []
        var pending: [UInt8] = []  // text since the last tag
        var pendingStartsLine = true  // `pending` begins at the start of a line
        var trimNextText = false  // the last tag ended with `-`
        var line = 1
        var position = 0

        func flushText() {
            if !pending.isEmpty { segments.append(.text(String(decoding: pending, as: UTF8.self))) }
            pending = []
        }

        while position < bytes.count {
            guard let start = Self.nextTagStart(in: bytes, from: position) else {
                pending.append(contentsOf: trimNextText ? bytes[position...].drop(while: Self.isSpace) : bytes[position...])
                break
            }
            pending.append(
                contentsOf: trimNextText ? bytes[position..<start].drop(while: Self.isSpace) : bytes[position..<start])
            trimNextText = false
            line += Self.newlines(in: bytes[position..<start])

            let kind = bytes[start + 1]
            var bodyStart = start + 2
            let leftModifier = bodyStart < bytes.count ? bytes[bodyStart] : 0
            if leftModifier == Self.minus || leftModifier == Self.plus { bodyStart += 1 }

            guard let end = Self.tagEnd(in: bytes, from: bodyStart, kind: kind) else {
                let opener = String(decoding: bytes[start..<(start + 2)], as: UTF8.self)
                throw .syntax(template: template, line: line, message: "'\(opener)' is never closed")
            }
            var bodyEnd = end
            let rightModifier = bodyEnd > bodyStart ? bytes[bodyEnd - 1] : 0
            if rightModifier == Self.minus || (kind != Self.openBrace && rightModifier == Self.plus) { bodyEnd -= 1 }
            var next = end + 2
            let tagLine = line
            line += Self.newlines(in: bytes[start..<next])

            // Whitespace before the tag.
            if leftModifier == Self.minus {
                while let last = pending.last, Self.isSpace(last) { pending.removeLast() }
            } else if options.lstripBlocks, kind != Self.openBrace, leftModifier != Self.plus {
                Self.stripIndentation(&pending, startsLine: pendingStartsLine)
            }
            // Whitespace after the tag.
            if rightModifier == Self.minus {
                trimNextText = true
            } else if options.trimBlocks, kind != Self.openBrace, rightModifier != Self.plus,
                next < bytes.count, bytes[next] == Self.newline
            {
                next += 1
                line += 1
            }

            let body = Self.trimmed(bytes[bodyStart..<max(bodyStart, bodyEnd)])
            switch kind {
            case Self.hash:
                break
            case Self.openBrace:
                flushText()
                segments.append(.output(expression: body, line: tagLine))
            default:
                let (name, rest) = Self.splitTagName(body)
                if name == "raw" {
                    guard let raw = Self.rawBlock(in: bytes, from: next) else {
                        throw .syntax(template: template, line: tagLine, message: "'{% raw %}' has no '{% endraw %}'")
                    }
                    var content = Array(bytes[next..<raw.contentEnd])
                    if trimNextText { content = Array(content.drop(while: Self.isSpace)) }
                    if raw.trimsContentEnd { while let last = content.last, Self.isSpace(last) { content.removeLast() } }
                    flushText()
                    pending = content
                    flushText()
                    line += Self.newlines(in: bytes[next..<raw.end])
                    trimNextText = raw.trimsAfter
                    next = raw.end
                } else {
                    flushText()
                    segments.append(.tag(name: name, body: rest, line: tagLine))
                }
            }
            pendingStartsLine = next == 0 || bytes[next - 1] == Self.newline
            position = next
        }
        flushText()
        return segments
    }

    /// The index of the next `{{`, `{%` or `{#` at or after `position`.
    private static func nextTagStart(in bytes: [UInt8], from position: Int) -> Int? {
        var index = position
        while index + 1 < bytes.count {
            if bytes[index] == openBrace {
                let next = bytes[index + 1]
                if next == openBrace || next == percent || next == hash { return index }
            }
            index += 1
        }
        return nil
    }

    /// The index of the closing `}}` / `%}` / `#}` of a tag whose body starts at `position`:
    /// outside string literals and brackets for expressions, the first `#}` for comments.
    private static func tagEnd(in bytes: [UInt8], from position: Int, kind: UInt8) -> Int? {
        let closer = kind == openBrace ? closeBrace : kind
        var index = position
        var depth = 0
        var quote: UInt8? = nil
        while index + 1 < bytes.count {
            let byte = bytes[index]
            if kind == hash {
                if byte == hash && bytes[index + 1] == closeBrace { return index }
            } else if let open = quote {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == open {
                    quote = nil
                }
            } else {
                switch byte {
                case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = byte
                case UInt8(ascii: "("), UInt8(ascii: "["), openBrace: depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"): depth = max(0, depth - 1)
                case closeBrace where depth > 0: depth -= 1
                default:
                    if depth == 0 && byte == closer && bytes[index + 1] == closeBrace { return index }
                }
            }
            index += 1
        }
        return nil
    }

    /// Finds `{% endraw %}` (with optional `-`/`+`): where the raw content ends, where the
    /// closing tag ends, and its whitespace control.
    private static func rawBlock(in bytes: [UInt8], from position: Int) -> (
        contentEnd: Int, end: Int, trimsContentEnd: Bool, trimsAfter: Bool
    )? {
        let keyword = Array("endraw".utf8)
        var index = position
        while let start = nextTagStart(in: bytes, from: index) {
            index = start + 1
            guard bytes[start + 1] == percent else { continue }
            var cursor = start + 2
            let trimsContentEnd = cursor < bytes.count && bytes[cursor] == minus
            if cursor < bytes.count && (bytes[cursor] == minus || bytes[cursor] == plus) { cursor += 1 }
            while cursor < bytes.count && isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor + keyword.count <= bytes.count, Array(bytes[cursor..<(cursor + keyword.count)]) == keyword
            else { continue }
            cursor += keyword.count
            while cursor < bytes.count && isSpace(bytes[cursor]) { cursor += 1 }
            let trimsAfter = cursor < bytes.count && bytes[cursor] == minus
            if cursor < bytes.count && (bytes[cursor] == minus || bytes[cursor] == plus) { cursor += 1 }
            guard cursor + 1 < bytes.count, bytes[cursor] == percent, bytes[cursor + 1] == closeBrace else { continue }
            return (start, cursor + 2, trimsContentEnd, trimsAfter)
        }
        return nil
    }

    /// `lstrip_blocks`: drops the spaces and tabs between the start of the line and a tag.
    private static func stripIndentation(_ pending: inout [UInt8], startsLine: Bool) {
        var index = pending.count
        while index > 0, pending[index - 1] == UInt8(ascii: " ") || pending[index - 1] == UInt8(ascii: "\t") {
            index -= 1
        }
        if (index == 0 && startsLine) || (index > 0 && pending[index - 1] == newline) {
            pending.removeSubrange(index...)
        }
    }

    private static func splitTagName(_ body: String) -> (String, String) {
        let name = body.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        let rest = body.dropFirst(name.count).drop(while: \.isWhitespace)
        return (String(name), String(rest))
    }

    private static func normalizedNewlines(_ source: String) -> String {
        guard source.utf8.contains(UInt8(ascii: "\r")) else { return source }
        return source.replacing("\r\n", with: "\n").replacing("\r", with: "\n")
    }

    private static func newlines(in bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 == newline ? 1 : 0) }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == newline || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == 0x0B || byte == 0x0C
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        let body = bytes.drop(while: isSpace)
        var end = body.endIndex
        while end > body.startIndex, isSpace(body[end - 1]) { end -= 1 }
        return String(decoding: body[body.startIndex..<end], as: UTF8.self)
    }
}
