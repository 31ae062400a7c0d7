import CoxswainCore
import CoxswainStore
import Foundation
import Hummingbird
import NIOCore

/// The team's audit log: list (JSON, JSON lines or CSV) and chain verification.
struct AuditController: Sendable {
    let audit: AuditRepository

    /// `GET /v1/audit?since&actor&action&target&limit&format=json|jsonl|csv`.
    func list(_ call: Call) async throws -> Response {
        let q = call.request.uri.queryParameters
        guard let limit = Int(q["limit"].map(String.init) ?? "100"), (1...100_000).contains(limit) else {
            throw HTTPResponseError(.invalidLimit, "limit must be a whole number from 1 to 100000")
        }
        var since: Date?
        if let raw = q["since"].map(String.init) {
            // A parsed time can still be one PostgreSQL cannot take (the year 300000): checked, never trapped on.
            guard let parsed = WireCoding.parseDate(raw), RequestRange.problem(date: parsed, field: "since") == nil else {
                throw HTTPResponseError(.invalidSince, "since must be an ISO-8601 time between 1970 and 9999")
            }
            since = parsed
        }
        let format = q["format"].map(String.init) ?? "json"
        let entries = try await audit.list(
            team: call.principal.teamID, since: since, actor: q["actor"].map(String.init), action: q["action"].map(String.init),
            target: q["target"].map(String.init), limit: limit
        )
        switch format {
        case "json":
            return APIResponse.json(entries)
        case "jsonl":
            let lines = try entries.map { String(decoding: try WireCoding.encode($0), as: UTF8.self) }.joined(separator: "\n")
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: ByteBuffer(string: lines + "\n")))
        case "csv":
            func field(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            var out = "seq,time,actor,action,target,outcome,request_id,hash,details\n"
            for e in entries {
                out +=
                    [
                        String(e.seq), WireCoding.formatDate(e.time), field(e.actor), field(e.action), field(e.target), e.outcome, e.requestID ?? "", e.hash,
                        field(e.details),
                    ]
                    .joined(separator: ",") + "\n"
            }
            return Response(status: .ok, headers: [.contentType: "text/csv"], body: .init(byteBuffer: ByteBuffer(string: out)))
        default:
            throw HTTPResponseError(.invalidFormat, "format must be json, jsonl or csv")
        }
    }

    /// `GET /v1/audit/verify`: checks the team's hash chain.
    func verify(_ call: Call) async throws -> Response {
        APIResponse.json(try await audit.verify(team: call.principal.teamID))
    }
}
