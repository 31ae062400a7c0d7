import ArgumentParser
import CoxswainCore
import Foundation

/// A job as the operator names it: a full id, `last`, or a unique prefix of an id (like git's,
/// at least `minimumPrefix` hex digits, dashes optional, any case).
package enum JobReference {
    /// The shortest prefix accepted.
    package static let minimumPrefix = 4

    /// Refuses text that cannot name a job (a usage error, before anything is sent).
    package static func validate(_ text: String, flag: String) throws {
        guard text == "last" || JobID(string: text) != nil || prefix(text) != nil else {
            throw ValidationError("\(flag) takes a job id, a unique prefix of one (at least \(minimumPrefix) hex digits) or 'last'")
        }
    }

    /// The hex digits of a prefix (lowercase, dashes dropped), or nil when it is not one.
    package static func prefix(_ text: String) -> String? {
        let digits = text.lowercased().filter { $0 != "-" }
        guard digits.count >= minimumPrefix, digits.count <= 32, digits.allSatisfy(\.isHexDigit) else { return nil }
        return digits
    }

    /// The one id among `ids` that starts with `text`. Several → a usage error naming them.
    package static func match(_ text: String, among ids: [JobID]) throws -> JobID? {
        try unique(text, among: ids.map(\.description), noun: "job").flatMap { JobID(string: $0) }
    }

    /// The one distinct id among `ids` (lowercase UUID strings) that starts with the prefix `text`,
    /// nil when none does or `text` is no prefix. Several → a usage error naming them.
    static func unique(_ text: String, among ids: [String], noun: String) throws -> String? {
        guard let digits = prefix(text) else { return nil }
        let matches = Set(ids).filter { $0.filter { $0 != "-" }.hasPrefix(digits) }.sorted()
        if matches.count > 1 {
            let shown = matches.prefix(10).joined(separator: ", ")
            throw ValidationError(
                "\(noun) id prefix '\(text)' is ambiguous: \(matches.count) match (\(shown)\(matches.count > 10 ? ", …" : "")); give more digits")
        }
        return matches.first
    }

    /// The API path segment for `text`: `last` or a full id as given, or the id a prefix
    /// names among the team's jobs (`GET /v1/jobs`).
    package static func resolve(_ text: String, client: GatewayClient) async throws -> String {
        if text == "last" { return text }
        if let id = JobID(string: text) { return id.description }
        let jobs = try await client.get(APIRoute.listJobs.path + "?limit=10000", as: [JobSummary].self)
        guard let id = try match(text, among: jobs.map(\.id)) else {
            throw ClientError.api(status: 404, APIError(error: "not_found", reason: "no job of the team has an id starting with \(text.lowercased())"))
        }
        return id.description
    }

    /// The orchestration run (parent id) `text` names: a full id as given, or the one parent
    /// among the team's jobs that starts with the prefix (several → a usage error naming them).
    package static func resolveParent(_ text: String, client: GatewayClient) async throws -> String {
        if let id = UUID(uuidString: text) { return id.uuidString.lowercased() }
        guard prefix(text) != nil else { throw ValidationError("--analyze-parent: '\(text)' is not a parent id or a prefix of one") }
        let jobs = try await client.get(APIRoute.listJobs.path + "?limit=10000", as: [JobSummary].self)
        guard let parent = try unique(text, among: jobs.compactMap(\.parent), noun: "parent") else {
            throw ClientError.api(
                status: 404, APIError(error: "not_found", reason: "no orchestration run of the team has an id starting with \(text.lowercased())"))
        }
        return parent
    }
}
