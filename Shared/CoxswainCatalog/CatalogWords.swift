/// Splits a job's operand text (`--chmod 0755 files/{{ name }}.sh "/opt/my app/run.sh"`) into
/// words.
///
/// Words are separated by spaces, tabs or line breaks, except inside a Jinja delimiter
/// (`{{ … }}`, `{% … %}`, `{# … #}`, kept whole and verbatim so that templates may contain
/// spaces) or inside single or double quotes (which group words and are removed). There are no
/// backslash escapes.
enum CatalogWords {
    /// A quote that is opened and never closed.
    struct UnterminatedQuote: Error {
        /// The quote character.
        var quote: Character
    }

    /// The words of `text`.
    static func split(_ text: String) throws(UnterminatedQuote) -> [String] {
        var words: [String] = []
        var word = ""
        var hasWord = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{", next < text.endIndex, let close = closing(for: text[next]) {
                // A Jinja delimiter: copy it up to its end (or to the end of the text).
                let end = text[next...].range(of: close)?.upperBound ?? text.endIndex
                word += text[index..<end]
                hasWord = true
                index = end
                continue
            }
            if character == "'" || character == "\"" {
                guard let end = text[next...].firstIndex(of: character) else { throw UnterminatedQuote(quote: character) }
                word += text[next..<end]
                hasWord = true
                index = text.index(after: end)
                continue
            }
            if character.isWhitespace {
                if hasWord { words.append(word) }
                word = ""
                hasWord = false
            } else {
                word.append(character)
                hasWord = true
            }
            index = next
        }
        if hasWord { words.append(word) }
        return words
    }

    private static func closing(for character: Character) -> String? {
        switch character {
        case "{": "}}"
        case "%": "%}"
        case "#": "#}"
        default: nil
        }
    }
}
