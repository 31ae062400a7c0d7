import CoxswainCore
import Foundation
import Yams

/// Human and machine renderings of API answers.
package enum Render {
    /// Prints `value` as JSON or YAML (for `--output json|yaml`).
    package static func machine<T: Encodable>(_ value: T, format: OutputFormat) throws {
        switch format {
        case .yaml:
            // JSON is YAML: compose the wire JSON into a node tree (keeping every scalar's text),
            // switch it to block style, and serialize.
            let json = String(decoding: try WireCoding.encode(value), as: UTF8.self)
            guard let node = try Yams.compose(yaml: json) else { return }
            print(try Yams.serialize(node: blockStyle(node), sortKeys: true), terminator: "")
        case .ndjson:
            for line in try ndjsonLines(value) { print(line) }
        case .json, .table:
            let encoder = WireCoding.encoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        }
    }

    /// `value` as newline-delimited JSON: one compact object per line, a list as one line per
    /// element (so `--output ndjson` output can be read line by line as it comes).
    package static func ndjsonLines<T: Encodable>(_ value: T) throws -> [String] {
        let encoder = WireCoding.encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        guard data.first == UInt8(ascii: "["), let elements = try JSONSerialization.jsonObject(with: data) as? [Any] else {
            return [String(decoding: data, as: UTF8.self)]
        }
        return try elements.map { element in
            let line = try JSONSerialization.data(withJSONObject: element, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
            return String(decoding: line, as: UTF8.self)
        }
    }

    /// One NDJSON line for a streamed event: `{"event": NAME, "data": DATA}` (DATA as the
    /// Gateway sent it, or a string when it is not JSON).
    package static func ndjsonEvent(name: String, data: [UInt8]) -> String {
        let parsed = (try? JSONSerialization.jsonObject(with: Data(data), options: [.fragmentsAllowed])) ?? String(decoding: data, as: UTF8.self)
        let object: [String: Any] = ["event": name, "data": parsed]
        let line = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: line, as: UTF8.self)
    }

    static func blockStyle(_ node: Node) -> Node {
        switch node {
        case .mapping(let m):
            return .mapping(Node.Mapping(m.map { (blockStyle($0.key), blockStyle($0.value)) }, m.tag, .block))
        case .sequence(let s):
            return .sequence(Node.Sequence(s.map(blockStyle), s.tag, .block))
        case .scalar(let s):
            // Strings that look like JSON strings were quoted; keep them plain where YAML allows.
            return .scalar(Node.Scalar(s.string, s.tag, s.style == .doubleQuoted ? .any : s.style))
        default:
            return node
        }
    }

    /// A plain text table with a header row.
    package static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func seconds(_ s: Double) -> String {
        if s < 1 { return String(format: "%.0fms", s * 1000) }
        if s < 120 { return String(format: "%.2fs", s) }
        if s < 7200 { return String(format: "%.0fm", s / 60) }
        if s < 172_800 { return String(format: "%.1fh", s / 3600) }
        return String(format: "%.1fd", s / 86400)
    }

    static func firstLine(_ s: String, max: Int = 60) -> String {
        let line = s.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return line.count > max ? String(line.prefix(max - 1)) + "…" : line
    }

    static func time(_ d: Date?) -> String {
        guard let d else { return "-" }
        return WireCoding.formatDate(d)
    }

    /// The outcome table of a finished job: a summary line counting nodes (and steps, for a
    /// block of several) as succeeded, failed, cached and skipped, then one row per task. The
    /// OUTPUT column shows stdout, or stderr when stdout is empty, or a failure's reason;
    /// `full` (`--no-trunc`) keeps every cell whole and prints each failure's reason and
    /// output in full after the table.
    package static func outcome(_ detail: JobDetail, full: Bool = false) -> String {
        let job = detail.job
        let took = job.finishedAt.map { seconds($0.timeIntervalSince(job.createdAt)) } ?? "-"
        let tally = JobTally(detail)
        var out = "job \(job.id)\(job.name.map { " (\($0))" } ?? "") \(job.status.rawValue): \(tally.text) in \(took)"
        if let error = job.error { out += "\nerror: \(error)" }
        guard !detail.tasks.isEmpty else { return out }
        let steps = tally.stepsPerNode > 1
        let rows = detail.tasks.map { t -> [String] in
            let took = zip2(t.startedAt, t.finishedAt).map { seconds($1.timeIntervalSince($0)) } ?? "-"
            let text = outputText(t)
            let cell = full ? (text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "") : firstLine(text)
            let outcome = TaskOutcome(t)
            return [t.node] + (steps ? [stepLabel(t)] : []) + [outcome.rawValue, t.exitCode.map(String.init) ?? "-", took, cell]
        }
        out += "\n" + table(["NODE"] + (steps ? ["STEP"] : []) + ["STATUS", "EXIT", "TIME", "OUTPUT"], rows)
        if full {
            for t in detail.tasks where TaskOutcome(t).isFailure {
                out += "\n\n[\(t.node)\(steps ? " step \(stepLabel(t))" : "")] \(TaskOutcome(t).rawValue)\(t.exitCode.map { ", exit \($0)" } ?? "")"
                if let error = t.error { out += ": \(error)" }
                if !t.stdout.isEmpty { out += "\n  stdout:\n" + indented(t.stdout) }
                if !t.stderr.isEmpty { out += "\n  stderr:\n" + indented(t.stderr) }
            }
        }
        return out
    }

    /// A task's step as the tables show it: `2 RUN` (1-based, with its verb).
    static func stepLabel(_ t: TaskDetail) -> String {
        "\((t.step ?? 0) + 1)\(t.verb.map { " \($0)" } ?? "")"
    }

    /// The text a table shows for a task: a failure's (or skip's) reason, else its stdout, or
    /// its stderr when stdout is empty.
    package static func outputText(_ t: TaskDetail) -> String {
        let output = t.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? t.stderr : t.stdout
        switch TaskOutcome(t) {
        case .failed, .timedOut, .skipped: return t.error ?? output
        case .succeeded, .cached, .pending: return output
        }
    }

    static func indented(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    static func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
        guard let a, let b else { return nil }
        return (a, b)
    }
}
