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
        default:
            let encoder = WireCoding.encoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        }
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

    /// The per-node outcome table of a finished job.
    package static func outcome(_ detail: JobDetail) -> String {
        let job = detail.job
        let took = job.finishedAt.map { seconds($0.timeIntervalSince(job.createdAt)) } ?? "-"
        var out =
            "job \(job.id) \(job.status.rawValue): \(job.succeeded) succeeded, \(job.failed) failed, \(job.pending) pending of \(job.nodeCount) node(s) in \(took)"
        if let error = job.error { out += "\nerror: \(error)" }
        if !detail.tasks.isEmpty {
            let rows = detail.tasks.map { t -> [String] in
                let took = zip2(t.startedAt, t.finishedAt).map { seconds($1.timeIntervalSince($0)) } ?? "-"
                let text = t.status == .succeeded ? firstLine(t.stdout) : firstLine(t.error ?? (t.stderr.isEmpty ? t.stdout : t.stderr))
                return [t.node, t.status.rawValue, t.exitCode.map(String.init) ?? "-", took, text]
            }
            out += "\n" + table(["NODE", "STATUS", "EXIT", "TIME", "OUTPUT"], rows)
        }
        return out
    }

    static func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
        guard let a, let b else { return nil }
        return (a, b)
    }
}
