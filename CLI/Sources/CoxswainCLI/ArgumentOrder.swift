/// Lets connection and output options stand before the subcommand too (`coxswain --url U exec …`):
/// ArgumentParser only gives a subcommand the options after its name, so they are moved to the end
/// (where nested subcommands also see them; a `--` terminator keeps them before it).
package enum ArgumentOrder {
    static let valued: Set<String> = ["--socket", "--url", "--token", "--team", "--output", "-o"]

    package static func normalize(_ arguments: [String]) -> [String] {
        positionalDashWords(leadingOptionsLast(arguments))
    }

    /// Like Python's argparse (Directord's CLI), a word that starts with `-` but contains a space
    /// is a value, not an option: `exec --verb RUN '--skip-cache echo hi'`. Such words move after
    /// a `--` at the end, in order, so ArgumentParser reads them as positional arguments.
    static func positionalDashWords(_ arguments: [String]) -> [String] {
        guard !arguments.contains("--") else { return arguments }
        let dashWords = arguments.filter { ($0.hasPrefix("-") && $0.contains(where: \.isWhitespace)) || directordFlags.contains($0) }
        guard !dashWords.isEmpty else { return arguments }
        var rest: [String] = []
        var positional: [String] = []
        var previousTakesValue = false
        for a in arguments {
            if previousTakesValue {
                rest.append(a)  // an option's value stays with its option
            } else if dashWords.contains(a) {
                positional.append(a)
            } else if a.hasPrefix("-") || positional.isEmpty {
                rest.append(a)
            } else {
                positional.append(a)
            }
            previousTakesValue = optionTakingValue.contains(a)
        }
        return rest + ["--"] + positional
    }

    /// Directord's own job flags, which are never Coxswain options: `exec --verb RUN --exec-help`.
    static let directordFlags: Set<String> = [
        "--exec-help", "--skip-cache", "--run-once", "--no-block", "--extend-args", "--blueprint", "--no-wait", "--force-lock",
    ]

    /// Options of `exec` whose value is the next word (so a dash-word after them is their value).
    static let optionTakingValue: Set<String> = [
        "--verb", "--target", "--target-label", "--target-fact", "--timeout", "--batch", "--batch-wait", "--secret-env", "--socket", "--url", "--token",
        "--team", "--output", "-o",
    ]

    static func leadingOptionsLast(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first, first.hasPrefix("-") {
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            guard valued.contains(name) else { break }
            leading.append(first)
            rest = rest.dropFirst()
            if !first.contains("="), let value = rest.first {
                leading.append(value)
                rest = rest.dropFirst()
            }
        }
        guard !leading.isEmpty, !rest.isEmpty else { return arguments }
        if let terminator = rest.firstIndex(of: "--") {
            return Array(rest[..<terminator]) + leading + Array(rest[terminator...])
        }
        return Array(rest) + leading
    }
}
