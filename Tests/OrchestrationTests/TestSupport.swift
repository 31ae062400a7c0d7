import CoxswainOrchestration
import Foundation

/// Where verb-level tests pretend their job is written.
let jobLocation = SourceLocation(file: "site.yaml", line: 7, block: 2, blockName: "install", job: 3)

/// Parses one job against the base folder `/srv/site`.
func parseJob(_ verb: String, _ arguments: String, vars: [String: YAMLValue] = [:]) throws(OrchestrationError) -> (VerbCall, JobOptions) {
    try VerbParser.parse(verb: verb, arguments: arguments, vars: vars, at: jobLocation, baseDirectory: "/srv/site")
}

/// The error a job fails with, or `nil` when it parses.
func jobFailure(_ verb: String, _ arguments: String, vars: [String: YAMLValue] = [:]) -> OrchestrationError? {
    do {
        _ = try parseJob(verb, arguments, vars: vars)
        return nil
    } catch {
        return error
    }
}

/// The message of a ``OrchestrationError/badOption(_:verb:_:)``, or `nil` for any other outcome.
func badOptionMessage(_ verb: String, _ arguments: String, vars: [String: YAMLValue] = [:]) -> String? {
    guard case .badOption(_, _, let message)? = jobFailure(verb, arguments, vars: vars) else { return nil }
    return message
}

/// The error an orchestration text fails with, or `nil` when it parses.
func orchestrationFailure(_ yaml: String, file: String = "site.yaml") -> OrchestrationError? {
    do {
        _ = try OrchestrationParser.parse(yaml: yaml, file: file, baseDirectory: "/srv/site")
        return nil
    } catch {
        return error
    }
}

/// The error an orchestration file fails with, or `nil` when it parses.
func fileFailure(_ path: String) -> OrchestrationError? {
    do {
        _ = try OrchestrationParser.parse(fileAt: path)
        return nil
    } catch {
        return error
    }
}

/// A file under `Tests/OrchestrationTests/Fixtures`.
func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// A fresh temporary folder, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("orchestration-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}
