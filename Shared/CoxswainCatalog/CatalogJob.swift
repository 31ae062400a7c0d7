import CoxswainTemplating

/// One job of a catalog section, checked but not yet rendered: its verb and operand templates.
package struct CatalogJob: Sendable, Equatable {
    /// What a job does, with its operands as templates.
    package enum Operation: Sendable, Equatable {
        /// `RUN`: the command template, as written.
        case run(command: String)
        /// `ADD`/`COPY`: the source and destination templates and the `--chmod` mode, if given.
        case transfer(source: String, destination: String, mode: UInt32?)
        /// `GET`: the remote path template and the local name template (`nil`: the remote
        /// file's name).
        case get(remote: String, localName: String?)
    }

    /// The verb.
    package var verb: CatalogVerb
    /// The operands.
    package var operation: Operation
    /// The job's `name:`, when it has one.
    package var name: String?
    /// Where the job was written.
    package var origin: CatalogOrigin
    /// The absolute folder of the file that wrote the job.
    package var directory: String
    /// The job as written, for the `jobs` list of the per-target template variable.
    package var value: TemplateValue

    /// Reads a job: a map with one verb key (`RUN`, `ADD`, `COPY` or `GET`, in any case) and
    /// optionally `name`.
    ///
    /// - Throws: ``CatalogError/structure(_:_:)`` for a job that is not a map or has no verb or
    ///   two, ``CatalogError/unknownVerb(_:verb:known:)`` for any other key, and
    ///   ``CatalogError/badJob(_:verb:_:)`` for wrong operands.
    package init(node: CatalogNode) throws(CatalogError) {
        let origin = node.origin
        guard let entries = node.entries else {
            throw .structure(origin, "a job must be a map such as 'RUN: echo hello', not \(node.shapeDescription)")
        }
        var name: String?
        var verbs: [(verb: CatalogVerb, key: String, value: CatalogNode, origin: CatalogOrigin)] = []
        for entry in entries {
            if entry.key == "name" {
                guard case .scalar = entry.value.content else {
                    throw .structure(entry.keyOrigin, "a job's 'name' must be text, not \(entry.value.shapeDescription)")
                }
                name = entry.value.scalarText
            } else if let verb = CatalogVerb(key: entry.key) {
                verbs.append((verb, entry.key, entry.value, entry.keyOrigin))
            } else {
                throw .unknownVerb(entry.keyOrigin, verb: entry.key, known: CatalogVerb.known)
            }
        }
        guard let written = verbs.first else {
            throw .structure(origin, "the job has no verb; write it as 'VERB: operands' with one of \(CatalogVerb.known.joined(separator: ", "))")
        }
        if verbs.count > 1 {
            throw .structure(origin, "the job has \(verbs.count) verbs (\(verbs.map(\.key).joined(separator: ", "))); write one job per verb")
        }
        guard case .scalar(let scalar) = written.value.content else {
            throw .badJob(
                origin, verb: written.verb.rawValue,
                "the value must be the operands as text (\(written.verb.usage)), not \(written.value.shapeDescription)")
        }
        let text = scalar.value == .null ? "" : scalar.text
        self.verb = written.verb
        self.name = name
        self.origin = origin
        self.directory = node.directory
        self.value = node.templateValue
        self.operation = try Self.operation(written.verb, text, at: origin)
    }

    private static func operation(_ verb: CatalogVerb, _ text: String, at origin: CatalogOrigin) throws(CatalogError) -> Operation {
        if verb == .run {
            guard !text.allSatisfy(\.isWhitespace) else {
                throw .badJob(origin, verb: verb.rawValue, "no command; write 'RUN: COMMAND'")
            }
            return .run(command: text)
        }
        let words: [String]
        do {
            words = try CatalogWords.split(text)
        } catch {
            throw .badJob(origin, verb: verb.rawValue, "unterminated \(error.quote) quote in '\(text)'")
        }
        if verb == .get {
            if let option = words.first(where: { $0.hasPrefix("--") }) {
                throw .badJob(origin, verb: verb.rawValue, "unknown option '\(option)'; usage: \(verb.usage)")
            }
            switch words.count {
            case 1: return .get(remote: words[0], localName: nil)
            case 2: return .get(remote: words[0], localName: words[1])
            case 0: throw .badJob(origin, verb: verb.rawValue, "no remote path; usage: \(verb.usage)")
            default:
                throw .badJob(origin, verb: verb.rawValue, "\(words.count) operands; usage: \(verb.usage) (quote a path that has spaces)")
            }
        }
        var operands: [String] = []
        var mode: UInt32?
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || !word.hasPrefix("--") {
                operands.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
            } else if word == "--chmod" || word.hasPrefix("--chmod=") {
                var value = String(word.dropFirst("--chmod".count))
                if value.isEmpty {
                    guard index < words.count else { throw .badJob(origin, verb: verb.rawValue, "'--chmod' needs a mode such as 0755") }
                    value = words[index]
                    index += 1
                } else {
                    value.removeFirst()
                }
                guard let parsed = Self.mode(value) else {
                    throw .badJob(origin, verb: verb.rawValue, "'--chmod \(value)' is not an octal file mode such as 0644 or 0755")
                }
                mode = parsed
            } else {
                throw .badJob(origin, verb: verb.rawValue, "unknown option '\(word)'; usage: \(verb.usage)")
            }
        }
        guard operands.count >= 2 else {
            let found = operands.isEmpty ? "no operands" : "only '\(operands[0])'"
            throw .badJob(origin, verb: verb.rawValue, "\(found); it needs a source and a destination: \(verb.usage)")
        }
        guard operands.count == 2 else {
            throw .badJob(
                origin, verb: verb.rawValue,
                "\(operands.count) operands; it takes one source and one destination: \(verb.usage) (quote a path that has spaces)")
        }
        return .transfer(source: operands[0], destination: operands[1], mode: mode)
    }

    /// An octal mode (`644`, `0755`, `0o750`, up to `7777`).
    static func mode(_ text: String) -> UInt32? {
        let digits = text.hasPrefix("0o") ? text.dropFirst(2) : Substring(text)
        guard (1...5).contains(digits.count), digits.allSatisfy({ ("0"..."7").contains($0) }),
            let value = UInt32(digits, radix: 8), value <= 0o7777
        else { return nil }
        return value
    }
}
