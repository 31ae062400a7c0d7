import Foundation

/// Expands `ADD`/`COPY` source patterns against the local filesystem, as Python's
/// `glob.glob` does for Directord: `*` (any run of characters), `?` (one character) and
/// `[...]` (one of a set; `[!...]` or `[^...]` for none of it; ranges such as `[a-z]`) within
/// one path part. `*` and `?` do not match a leading `.` unless the pattern part starts with
/// one. There is no `**` and no `~` expansion.
///
/// This is the only part of the module that reads the filesystem besides
/// ``OrchestrationParser/parse(fileAt:)``; the CLI calls it when it packs the files.
package enum FileGlob {
    /// Whether `pattern` has glob characters.
    package static func hasMagic(_ pattern: String) -> Bool { pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    /// The regular files (symbolic links followed) that a source's resolved ``SourceRef/path``
    /// names, sorted. Fails naming the pattern as written when nothing matches.
    package static func expand(_ source: SourceRef, at location: SourceLocation? = nil) throws(OrchestrationError) -> [String] {
        let files = files(matching: source.path)
        if files.isEmpty { throw .noMatch(location, pattern: source.pattern) }
        return files
    }

    /// The regular files (symbolic links followed) that `pattern` names, sorted; absolute when
    /// the pattern is. Directories never match, as in Directord. Fails when nothing matches.
    package static func expand(_ pattern: String, at location: SourceLocation? = nil) throws(OrchestrationError) -> [String] {
        let files = files(matching: pattern)
        if files.isEmpty { throw .noMatch(location, pattern: pattern) }
        return files
    }

    static func files(matching pattern: String) -> [String] {
        let fileManager = FileManager.default
        let isAbsolute = pattern.hasPrefix("/")
        var candidates = [isAbsolute ? "/" : ""]
        for part in pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
            var next: [String] = []
            for base in candidates {
                if hasMagic(part) {
                    let directory = base.isEmpty ? "." : base
                    guard let names = try? fileManager.contentsOfDirectory(atPath: directory) else { continue }
                    for name in names where matches(name, pattern: part) {
                        next.append(join(base, name))
                    }
                } else {
                    next.append(join(base, part))
                }
            }
            candidates = next
        }
        return candidates.filter { path in
            var isDirectory: ObjCBool = false
            return !path.isEmpty && fileManager.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        .sorted()
    }

    private static func join(_ base: String, _ name: String) -> String {
        if base.isEmpty { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// Whether one path part `name` matches the glob part `pattern`.
    package static func matches(_ name: String, pattern: String) -> Bool {
        let name = Array(name)
        let pattern = Array(pattern)
        if name.first == ".", pattern.first != "." { return false }
        return match(name[...], pattern[...])
    }

    private static func match(_ name: ArraySlice<Character>, _ pattern: ArraySlice<Character>) -> Bool {
        guard let head = pattern.first else { return name.isEmpty }
        switch head {
        case "*":
            let rest = pattern.dropFirst()
            var tail = name
            while true {
                if match(tail, rest) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        case "?":
            return !name.isEmpty && match(name.dropFirst(), pattern.dropFirst())
        case "[":
            guard let (set, rest) = bracket(pattern) else {
                return name.first == "[" && match(name.dropFirst(), pattern.dropFirst())
            }
            guard let character = name.first, set(character) else { return false }
            return match(name.dropFirst(), rest)
        default:
            return name.first == head && match(name.dropFirst(), pattern.dropFirst())
        }
    }

    /// Reads `[...]` at the start of `pattern`: a test for one character and what follows the
    /// `]`; `nil` when there is no closing `]` (the `[` is then literal).
    private static func bracket(_ pattern: ArraySlice<Character>) -> ((Character) -> Bool, ArraySlice<Character>)? {
        var index = pattern.index(after: pattern.startIndex)
        var negated = false
        if index < pattern.endIndex, pattern[index] == "!" || pattern[index] == "^" {
            negated = true
            index += 1
        }
        var items: [ClosedRange<Character>] = []
        var first = true
        while index < pattern.endIndex {
            let character = pattern[index]
            if character == "]", !first {
                let set = items
                return ({ character in set.contains { $0.contains(character) } != negated }, pattern[(index + 1)...])
            }
            first = false
            if index + 2 < pattern.endIndex, pattern[index + 1] == "-", pattern[index + 2] != "]", character <= pattern[index + 2] {
                items.append(character...pattern[index + 2])
                index += 3
            } else {
                items.append(character...character)
                index += 1
            }
        }
        return nil
    }
}
