/// Lets connection and output options stand before the subcommand too (`coxswain --url U exec …`):
/// ArgumentParser only gives a subcommand the options after its name, so they are moved to the end
/// (where nested subcommands also see them; a `--` terminator keeps them before it).
package enum ArgumentOrder {
    static let valued: Set<String> = ["--socket", "--url", "--token", "--team", "--output", "-o"]

    package static func normalize(_ arguments: [String]) -> [String] {
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
