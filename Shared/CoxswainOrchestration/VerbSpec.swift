/// One option a verb accepts, as Directord's component declares it with argparse.
struct OptionSpec: Sendable {
    /// How many values the option takes.
    enum Kind: Sendable {
        /// No value (`--skip-cache`); in `vars:` a boolean.
        case flag
        /// One value (`--timeout 30`, `--timeout=30`); the last use wins.
        case value(metavar: String)
        /// One value per use, every use kept (`--exclude a --exclude b`).
        case repeated(metavar: String)
        /// One or more values up to the next option (`--identity a b`); uses add up.
        case values(metavar: String)
        /// Everything after the flag, as written (`WAIT --cmd CMD…`); in `vars:` a string.
        case rest(metavar: String)
        /// One value read as a YAML/JSON literal (`--config-overrides '{"web": {"image": "x"}}'`);
        /// in `vars:` any value, a map included.
        case structured(metavar: String)
    }

    /// The flag with its dashes (`--stdout-arg`).
    var flag: String
    var kind: Kind
    /// One line of help.
    var help: String

    /// The `vars:` key, argparse's `dest` (`stdout_arg`).
    var dest: String { String(flag.dropFirst(2).map { $0 == "-" ? "_" : $0 }) }

    /// How the option appears in a usage line (`[--timeout SECONDS]`).
    var usage: String {
        switch kind {
        case .flag: "[\(flag)]"
        case .value(let metavar), .repeated(let metavar), .structured(let metavar): "[\(flag) \(metavar)]"
        case .values(let metavar): "[\(flag) \(metavar) …]"
        case .rest(let metavar): "[\(flag) \(metavar)…]"
        }
    }

    static func flag(_ flag: String, _ help: String) -> OptionSpec { OptionSpec(flag: flag, kind: .flag, help: help) }
    static func value(_ flag: String, _ metavar: String, _ help: String) -> OptionSpec {
        OptionSpec(flag: flag, kind: .value(metavar: metavar), help: help)
    }
}

/// How a verb reads its argument string.
enum ParsingStyle: Sendable {
    /// Options only at the start; the first word that is not a known option starts free text
    /// kept as written (`RUN`'s command, `ECHO`'s text, `ARG`'s KEY VALUE, `WAIT --cmd`).
    case leading
    /// Options anywhere among the operands, as argparse reads them; an unknown `--x` is an error.
    case intermixed
}

/// Everything the parser and `--exec-help` know about one verb.
struct VerbSpec: Sendable {
    /// The verb in upper case.
    var name: String
    /// What the verb does, one sentence.
    var summary: String
    /// The operands in the usage line (`SRC… DEST`).
    var operands: String
    /// The verb's own options (the shared ones are ``VerbSpec/commonOptions``).
    var options: [OptionSpec]
    /// `vars:` keys that stand for operands (`services` for `SERVICE`), Directord's
    /// positional `dest`s.
    var operandVars: [String] = []
    var style: ParsingStyle = .intermixed
    /// The default attempts for verbs whose job is re-run on failure; `nil` when the verb has
    /// no job-level `--retry`.
    var defaultRetry: Int?
    /// Lines of one extra paragraph for the help text.
    var notes: [String] = []

    /// The shared options plus the verb's own.
    var allOptions: [OptionSpec] { Self.commonOptions + options }

    /// The option for a flag spelled `--name`, if the verb has it.
    func option(flag: String) -> OptionSpec? { allOptions.first { $0.flag == flag } }

    /// The option whose `vars:` key is `dest`, if the verb has it.
    func option(dest: String) -> OptionSpec? { allOptions.first { $0.dest == dest } }

    /// The options of Directord's `ComponentBase.args()`, on every verb.
    static let commonOptions: [OptionSpec] = [
        .flag("--exec-help", "Show this help instead of running the job."),
        .flag("--skip-cache", "Run even if the node's cache says this job already ran."),
        .flag("--run-once", "Run on one node of the targets only."),
        .value("--timeout", "SECONDS", "Stop and fail the job after SECONDS (default 600)."),
        .flag("--force-lock", "Run while holding the node's component lock."),
        .value("--stdout-arg", "NAME", "Store the job's trimmed stdout as the cached argument NAME."),
        .value("--stderr-arg", "NAME", "Store the job's trimmed stderr as the cached argument NAME."),
    ]

    /// The `--exec-help` text: usage, summary, notes, then one line per option.
    var help: String {
        var lines = ["usage: \(name) " + (allOptions.map(\.usage) + [operands]).filter { !$0.isEmpty }.joined(separator: " "), "", summary]
        if !notes.isEmpty { lines += ["", notes.joined(separator: "\n")] }
        lines += ["", "options:"]
        let labels = allOptions.map { option -> String in
            switch option.kind {
            case .flag: option.flag
            case .value(let metavar), .repeated(let metavar), .structured(let metavar): "\(option.flag) \(metavar)"
            case .values(let metavar): "\(option.flag) \(metavar) …"
            case .rest(let metavar): "\(option.flag) \(metavar)…"
            }
        }
        let width = (labels.map(\.count).max() ?? 0) + 2
        for (label, option) in zip(labels, allOptions) {
            lines.append("  " + label + String(repeating: " ", count: width - label.count) + option.help)
        }
        lines += [
            "",
            "Options take their value as '--flag value' or '--flag=value'. Under the job's 'vars:' each option is",
            "written by its name with '_' for '-' (stdout_arg: NAME, skip_cache: true); 'vars:' win over inline flags.",
        ]
        return lines.joined(separator: "\n")
    }
}
