import Foundation

/// The options and operands of one job, read from its argument string and then its `vars:`,
/// before they are checked and turned into a ``VerbCall``.
///
/// Reading follows Directord's argparse where it can, with these rules:
/// - options are `--flag value` or `--flag=value`; a flag without a value given one is an error;
/// - for ``ParsingStyle/intermixed`` verbs options may sit anywhere among the operands and an
///   unknown `--x` is an error (argparse silently dropped it);
/// - for ``ParsingStyle/leading`` verbs options are read only at the start; for `RUN` and
///   `ECHO` the first word that is not a known option (even an unknown `--x`) starts the
///   free text, for `ARG`, `ENV` and `WAIT` an unknown `--x` there is an error;
/// - an unquoted `--` ends the options; a quoted word is never an option;
/// - `vars:` are applied last, so they win over inline flags (Directord copied them over the
///   parsed arguments); keys are the options' argparse `dest`s (`stdout_arg`, `stdout-arg`
///   also accepted), and a key that no option or operand has is an error.
struct ParsedArguments {
    let spec: VerbSpec
    let location: SourceLocation
    /// Flags by `dest`.
    var flags: [String: Bool] = [:]
    /// Option values by `dest`, in the order written.
    var values: [String: [String]] = [:]
    /// How each option was given (`--timeout`, `vars.timeout`), for messages.
    var origins: [String: String] = [:]
    /// Words that are not options (``ParsingStyle/intermixed`` verbs).
    var operands: [String] = []
    /// Operands given under `vars:` by their Directord `dest` (`services: [a, b]`).
    var operandVars: [String: [String]] = [:]
    /// The free text after the options (``ParsingStyle/leading`` verbs), exactly as written.
    var text = ""

    init(spec: VerbSpec, location: SourceLocation) {
        self.spec = spec
        self.location = location
    }

    /// A ``OrchestrationError/badOption(_:verb:_:)`` for this job.
    func failure(_ message: String) -> OrchestrationError { .badOption(location, verb: spec.name, message) }

    // MARK: Reading the argument string

    /// Reads the job's argument string.
    mutating func read(_ arguments: String) throws(OrchestrationError) {
        var cursor = ArgumentCursor(arguments)
        do {
            switch spec.style {
            case .leading: try readLeading(&cursor)
            case .intermixed: try readIntermixed(&cursor)
            }
        } catch let failure as TokenizeFailure {
            throw self.failure(failure.message)
        } catch let error as OrchestrationError {
            throw error
        } catch {
            throw self.failure("\(error)")
        }
    }

    private mutating func readLeading(_ cursor: inout ArgumentCursor) throws {
        let unknownStartsText = spec.name == "RUN" || spec.name == "ECHO"
        // A word that cannot be split (an unbalanced quote) is not an option: the text starts there.
        while let token = try? cursor.peek() {
            if token.isEndOfOptions {
                _ = try cursor.next()
                break
            }
            guard token.isOptionLike else { break }
            guard let (option, inline) = lookup(token) else {
                if unknownStartsText { break }
                throw unknownOption(token)
            }
            _ = try cursor.next()
            if case .rest = option.kind {
                let restText: String
                if inline != nil, let equals = cursor.source[token.start..<token.end].firstIndex(of: "=") {
                    restText = cursor.rest(from: cursor.source.index(after: equals))
                } else {
                    restText = cursor.remainder
                }
                values[option.dest] = [restText]
                origins[option.dest] = option.flag
                return
            }
            try consume(option, inline: inline, from: &cursor)
        }
        text = cursor.remainder
    }

    private mutating func readIntermixed(_ cursor: inout ArgumentCursor) throws {
        var optionsEnded = false
        while let token = try cursor.next() {
            if !optionsEnded, token.isEndOfOptions {
                optionsEnded = true
            } else if !optionsEnded, token.isOptionLike {
                guard let (option, inline) = lookup(token) else { throw unknownOption(token) }
                try consume(option, inline: inline, from: &cursor)
            } else {
                operands.append(token.text)
            }
        }
    }

    private func lookup(_ token: ArgumentToken) -> (OptionSpec, String?)? {
        let parts = token.text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let option = spec.option(flag: String(parts[0])) else { return nil }
        return (option, parts.count == 2 ? String(parts[1]) : nil)
    }

    private func unknownOption(_ token: ArgumentToken) -> OrchestrationError {
        let name = token.text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? token.text
        return failure("unknown option \(name); \(spec.name) takes \(spec.allOptions.map(\.flag).joined(separator: ", "))")
    }

    private mutating func consume(_ option: OptionSpec, inline: String?, from cursor: inout ArgumentCursor) throws {
        let dest = option.dest
        origins[dest] = option.flag
        switch option.kind {
        case .flag:
            if let inline { throw failure("\(option.flag) takes no value (got '\(inline)')") }
            flags[dest] = true
        case .value(let metavar), .structured(let metavar):
            values[dest] = [try inline ?? nextValue(for: option, metavar: metavar, from: &cursor)]
        case .repeated(let metavar):
            values[dest, default: []].append(try inline ?? nextValue(for: option, metavar: metavar, from: &cursor))
        case .values(let metavar):
            if let inline {
                values[dest, default: []].append(inline)
                return
            }
            var taken = 0
            while let token = try cursor.peek(), !token.isOptionLike, !token.isEndOfOptions {
                _ = try cursor.next()
                values[dest, default: []].append(token.text)
                taken += 1
            }
            if taken == 0 { throw failure("\(option.flag) needs at least one \(metavar)") }
        case .rest:
            break
        }
    }

    private func nextValue(for option: OptionSpec, metavar: String, from cursor: inout ArgumentCursor) throws -> String {
        guard let token = try cursor.next() else { throw failure("\(option.flag) needs a value (\(metavar))") }
        if token.isOptionLike || token.isEndOfOptions {
            throw failure("\(option.flag) needs a value (\(metavar)), but the next word is \(token.text)")
        }
        return token.text
    }

    // MARK: Applying vars

    /// Applies the job's `vars:` over what the argument string said.
    mutating func apply(vars: [String: YAMLValue]) throws(OrchestrationError) {
        for key in vars.keys.sorted() {
            let value = vars[key]!
            // Directord's keys are argparse `dest`s (`stdout_arg`); `stdout-arg` is taken too.
            let dest = String(key.map { $0 == "-" ? "_" : $0 })
            if let option = spec.option(dest: dest) {
                origins[dest] = "vars.\(key)"
                switch option.kind {
                case .flag:
                    flags[dest] = try boolean(value, key: key)
                case .value, .rest:
                    if value == .null {
                        values[dest] = nil
                    } else if let text = value.scalarText {
                        values[dest] = [text]
                    } else {
                        throw failure("vars.\(key) must be a single value, not \(value)")
                    }
                case .repeated, .values:
                    values[dest] = try words(value, key: key)
                case .structured:
                    // Kept as JSON text, which reads back as the same YAML literal.
                    values[dest] = value == .null ? nil : [Self.jsonText(value)]
                }
            } else if spec.operandVars.contains(dest) {
                operandVars[dest] = try words(value, key: key)
            } else {
                let known = spec.allOptions.map(\.dest) + spec.operandVars
                throw failure("unknown vars key '\(key)'; \(spec.name) takes \(known.joined(separator: ", "))")
            }
        }
    }

    private func boolean(_ value: YAMLValue, key: String) throws(OrchestrationError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .null: return false
        case .int(0): return false
        case .int(1): return true
        case .string(let text):
            // Python's distutils.util.strtobool, which Directord uses for `async`.
            switch text.lowercased() {
            case "y", "yes", "t", "true", "on", "1": return true
            case "n", "no", "f", "false", "off", "0": return false
            default: break
            }
        default: break
        }
        throw failure("vars.\(key) must be true or false, not '\(value)'")
    }

    private func words(_ value: YAMLValue, key: String) throws(OrchestrationError) -> [String]? {
        switch value {
        case .null:
            return nil
        case .list(let items):
            var texts: [String] = []
            for item in items {
                guard let text = item.scalarText else { throw failure("vars.\(key) must be a list of plain values, not \(value)") }
                texts.append(text)
            }
            return texts
        case .map:
            throw failure("vars.\(key) must be a value or a list, not a map")
        default:
            return value.scalarText.map { [$0] }
        }
    }

    // MARK: Typed access

    /// Whether the flag `dest` is set.
    func flag(_ dest: String) -> Bool { flags[dest] ?? false }

    /// How `dest` was given, for messages (`--timeout`, `vars.timeout`).
    func origin(_ dest: String) -> String { origins[dest] ?? "--" + dest.map { $0 == "_" ? "-" : $0 } }

    /// The last value of `dest`, refusing an empty one.
    func string(_ dest: String) throws(OrchestrationError) -> String? {
        guard let value = values[dest]?.last else { return nil }
        if value.trimmingWhitespace().isEmpty { throw failure("\(origin(dest)) needs a non-empty value") }
        return value
    }

    /// Every value of `dest`, refusing empty ones.
    func strings(_ dest: String) throws(OrchestrationError) -> [String] {
        let all = values[dest] ?? []
        if all.contains(where: { $0.trimmingWhitespace().isEmpty }) { throw failure("\(origin(dest)) needs non-empty values") }
        return all
    }

    /// The last value of `dest` as a whole number of at least `minimum`.
    func integer(_ dest: String, minimum: Int) throws(OrchestrationError) -> Int? {
        guard let raw = values[dest]?.last else { return nil }
        let text = raw.trimmingWhitespace()
        guard let number = Self.wholeNumber(text) else { throw failure("\(origin(dest)) '\(raw)' is not a whole number") }
        if number < minimum { throw failure("\(origin(dest)) must be at least \(minimum), got \(number)") }
        return number
    }

    /// The last value of `dest` as seconds: a non-negative number, more than zero unless
    /// `allowZero`.
    func seconds(_ dest: String, allowZero: Bool) throws(OrchestrationError) -> Double? {
        guard let raw = values[dest]?.last else { return nil }
        let text = raw.trimmingWhitespace()
        guard let number = Self.decimalNumber(text) else { throw failure("\(origin(dest)) '\(raw)' is not a number of seconds") }
        if number < 0 || (!allowZero && number == 0) {
            throw failure("\(origin(dest)) must be \(allowZero ? "0 or more" : "more than 0") seconds, got \(raw)")
        }
        // Untrusted text: at most 30 days (a larger value would overflow the node's timers).
        guard number.isFinite, number <= Self.maximumSeconds else {
            throw failure("\(origin(dest)) must be at most \(Int(Self.maximumSeconds)) seconds (30 days), got \(raw)")
        }
        return number
    }

    /// The last value of `dest` read as a YAML/JSON literal (``OptionSpec/Kind/structured(metavar:)``).
    func structured(_ dest: String) throws(OrchestrationError) -> YAMLValue? {
        guard let text = try string(dest) else { return nil }
        return YAMLValue.literal(text)
    }

    /// A value as JSON text (sorted keys), for a structured option given under `vars:`.
    static func jsonText(_ value: YAMLValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? value.description
    }

    /// The operands, or those given under `vars:` as `dest` (which win).
    func operands(or dest: String?) -> [String] {
        if let dest, let given = operandVars[dest] { return given }
        return operands
    }

    /// The longest duration any option may give: 30 days.
    static let maximumSeconds: Double = 2_592_000

    /// Decimal digits with an optional sign, as Python's `int()` reads them (`010` is 10).
    static func wholeNumber(_ text: String) -> Int? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(text)
    }

    /// Decimal digits with at most one `.` and an optional sign (`30`, `2.5`, `.5`).
    static func decimalNumber(_ text: String) -> Double? {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard body.contains(where: \.isASCIIDigit), body.allSatisfy({ $0.isASCIIDigit || $0 == "." }),
            body.filter({ $0 == "." }).count <= 1
        else { return nil }
        return Double(text)
    }
}
