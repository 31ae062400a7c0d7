import Foundation

/// The README's "CLI by example" as data: every `coxswain …` command of the `sh` blocks between
/// "## The CLI by example" and "## Architecture", in order (a line's `;`-separated commands apart,
/// comments dropped, `\` continuations joined). The README test runs each one against a real
/// platform, so the README cannot drift from the CLI.
struct ReadmeExamples {
    let examples: [String]

    init(readme text: String) {
        var out: [String] = []
        let start = text.range(of: "## The CLI by example")?.upperBound ?? text.startIndex
        let end = text.range(of: "\n## Architecture", range: start..<text.endIndex)?.lowerBound ?? text.endIndex
        let section = String(text[start..<end])
        var inBlock = false
        var pending = ""
        for line in section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                inBlock = line == "```sh"
                continue
            }
            guard inBlock else { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let joined = pending + line
            pending = ""
            let code = Self.split(joined, on: " #").first ?? ""
            for piece in Self.split(code, on: ";") {
                let command = piece.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                if command.hasPrefix("coxswain ") { out.append(command) }
            }
        }
        examples = out
    }

    /// `text` split at every `separator` outside single or double quotes.
    static func split(_ text: String, on separator: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
                current.append(c)
            } else if text[index...].hasPrefix(separator) {
                parts.append(current)
                current = ""
                index = text.index(index, offsetBy: separator.count)
                continue
            } else {
                current.append(c)
            }
            index = text.index(after: index)
        }
        parts.append(current)
        return parts
    }

    /// `command` without its optional `[…]` groups (outside quotes): the README's way of showing
    /// flags that may be left out.
    static func droppingOptionalGroups(_ command: String) -> String {
        var out = ""
        var quote: Character?
        var depth = 0
        for c in command {
            if let q = quote {
                if depth == 0 { out.append(c) }
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
                if depth == 0 { out.append(c) }
            } else if c == "[" {
                depth += 1
            } else if c == "]", depth > 0 {
                depth -= 1
            } else if depth == 0 {
                out.append(c)
            }
        }
        return out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

/// What the README test does with one example that cannot run exactly as written.
struct ReadmeExampleRule {
    /// Not run: what the test platform lacks, or why running it here would be wrong.
    var skip: String?
    /// The command run instead (same verb and flags; a harmless payload, a local path, a
    /// placeholder filled), with `why`.
    var command: String?
    /// The exit status expected (0 unless said).
    var expect: Int32 = 0
    /// Why the rewrite or the non-zero exit.
    var why: String?
    /// Run after every other example (it removes what later examples use).
    var last = false
    /// Run just before the example with this README text (it creates what that one uses).
    var before: String?
    /// Standard input (a file in the work directory).
    var stdin: String?
    /// Captures the last UUID of standard output under this placeholder name (and its first 8
    /// digits under the name + "8").
    var capture: String?
    /// A command run first (what the example needs and the README made elsewhere), whose last
    /// printed UUID is captured under `setupCapture`.
    var setup: String?
    var setupCapture: String?
}
