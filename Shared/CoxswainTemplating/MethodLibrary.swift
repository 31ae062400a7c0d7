/// Python methods templates call on values: `dict.items()`, `.keys()`, `.values()`, `.get()`,
/// and the string methods orchestrations use (`key.split('.')[0]`, `.strip()`, ...).
enum MethodLibrary {
    static func call(_ method: String, on receiver: TemplateValue, arguments: Arguments, source: String) throws(EvalFailure)
        -> Value
    {
        func text(_ index: Int, _ label: String) throws(EvalFailure) -> String? {
            try arguments.value(index, label)?.require().pythonString
        }
        switch (receiver, method) {
        case (.map(let map), "items"):
            return .defined(.list(map.keys.sorted().map { [.string($0), map[$0]!] }))
        case (.map(let map), "keys"):
            return .defined(.list(map.keys.sorted().map(TemplateValue.string)))
        case (.map(let map), "values"):
            return .defined(.list(map.keys.sorted().map { map[$0]! }))
        case (.map(let map), "cycle") where map["revindex0"] != nil:  // `loop.cycle('odd', 'even')`
            guard case .int(let index)? = map["index0"], !arguments.positional.isEmpty else {
                throw .filter(name: "cycle", message: "needs at least one value: loop.cycle('odd', 'even')")
            }
            return arguments.positional[index % arguments.positional.count]
        case (.map(let map), "get"):
            guard let key = try text(0, "key") else { throw .filter(name: "get", message: "needs a key: get('name')") }
            return map[key].map(Value.defined) ?? arguments.value(1, "default") ?? .none
        case (.string(let string), "split"), (.string(let string), "rsplit"):
            let limit = try arguments.value(1, "maxsplit")?.require().integer("split maxsplit") ?? -1
            let parts = split(string, separator: try text(0, "sep"), limit: limit, fromEnd: method == "rsplit")
            return .defined(.list(parts.map(TemplateValue.string)))
        case (.string(let string), "strip"), (.string(let string), "lstrip"), (.string(let string), "rstrip"):
            return .defined(.string(strip(string, try text(0, "chars"), leading: method != "rstrip", trailing: method != "lstrip")))
        case (.string(let string), "lower"): return .defined(.string(string.lowercased()))
        case (.string(let string), "upper"): return .defined(.string(string.uppercased()))
        case (.string(let string), "title"): return .defined(.string(string.capitalized))
        case (.string(let string), "capitalize"):
            return .defined(.string(string.prefix(1).uppercased() + string.dropFirst().lowercased()))
        case (.string(let string), "startswith"), (.string(let string), "endswith"):
            let candidates: [String]
            switch try arguments.value(0, "prefix")?.require() {
            case .list(let items)?: candidates = items.map(\.pythonString)
            case let value?: candidates = [value.pythonString]
            case nil: throw .filter(name: method, message: "needs a string argument")
            }
            return .defined(.bool(candidates.contains { method == "startswith" ? string.hasPrefix($0) : string.hasSuffix($0) }))
        case (.string(let string), "replace"):
            guard let old = try text(0, "old"), let new = try text(1, "new") else {
                throw .filter(name: "replace", message: "needs the text to replace and its replacement")
            }
            let count = try arguments.value(2, "count")?.require().integer("replace count")
            return .defined(.string(replace(string, old, with: new, count: count)))
        case (.string(let string), "join"):
            guard let items = arguments.value(0, "iterable") else { throw .filter(name: "join", message: "needs a list") }
            return .defined(
                .string(
                    try items.iterated().map { item throws(EvalFailure) in try item.require().pythonString }
                        .joined(separator: string)))
        case (.string(let string), "splitlines"):
            return .defined(
                .list(
                    string.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                        .map { .string(String($0)) }.dropLast(string.last?.isNewline == true ? 1 : 0)))
        case (.string(let string), "find"):
            guard let part = try text(0, "sub") else { throw .filter(name: "find", message: "needs a string") }
            guard let range = string.range(of: part) else { return .defined(.int(-1)) }
            return .defined(.int(string.distance(from: string.startIndex, to: range.lowerBound)))
        case (.string(let string), "isdigit"):
            return .defined(.bool(!string.isEmpty && string.allSatisfy { $0.isASCII && $0.isNumber }))
        default:
            throw .evaluation("'\(receiver.typeName)' object has no method '\(method)' (in '\(source)')")
        }
    }

    /// Python's `str.split(sep, maxsplit)`: without a separator, splits on runs of whitespace.
    static func split(_ string: String, separator: String?, limit: Int, fromEnd: Bool = false) -> [String] {
        let limit = limit < 0 ? Int.max : limit
        guard let separator, !separator.isEmpty else {
            let words = string.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.count - 1 > limit else { return words }
            if fromEnd {
                // Keep the leading part as it was, minus trailing spaces.
                var rest = Substring(string)
                var tail: [String] = []
                for _ in 0..<limit {
                    while rest.last?.isWhitespace == true { rest.removeLast() }
                    guard let space = rest.lastIndex(where: \.isWhitespace) else { break }
                    tail.insert(String(rest[rest.index(after: space)...]), at: 0)
                    rest = rest[..<space]
                }
                while rest.last?.isWhitespace == true { rest.removeLast() }
                return [String(rest.drop(while: \.isWhitespace))] + tail
            }
            var rest = Substring(string).drop(while: \.isWhitespace)
            var head: [String] = []
            for _ in 0..<limit {
                guard let space = rest.firstIndex(where: \.isWhitespace) else { break }
                head.append(String(rest[..<space]))
                rest = rest[space...].drop(while: \.isWhitespace)
            }
            return head + [String(rest)]
        }
        let parts = string.components(separatedBy: separator)
        guard parts.count - 1 > limit else { return parts }
        if fromEnd {
            return [parts.dropLast(limit).joined(separator: separator)] + parts.suffix(limit)
        }
        return Array(parts.prefix(limit)) + [parts.dropFirst(limit).joined(separator: separator)]
    }

    /// Python's `str.strip(chars)`.
    static func strip(_ string: String, _ characters: String?, leading: Bool, trailing: Bool) -> String {
        let set = characters.map(Set.init)
        let removable: (Character) -> Bool = { character in set.map { $0.contains(character) } ?? character.isWhitespace }
        var result = Substring(string)
        if leading { result = result.drop(while: removable) }
        if trailing { while let last = result.last, removable(last) { result.removeLast() } }
        return String(result)
    }

    /// Python's `str.replace(old, new, count)`.
    static func replace(_ string: String, _ old: String, with new: String, count: Int?) -> String {
        guard !old.isEmpty else { return string }
        let parts = string.components(separatedBy: old)
        guard let count, count >= 0, parts.count - 1 > count else { return parts.joined(separator: new) }
        return parts.prefix(count + 1).joined(separator: new) + old + parts.dropFirst(count + 1).joined(separator: old)
    }
}
