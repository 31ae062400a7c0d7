import CoxswainObservability
import Foundation
import Synchronization
import Testing

@Suite("Readiness: named checks and the JSON reason")
struct ReadinessTests {
    @Test("ready when every check passes")
    func ready() async {
        let report = await Readiness([ReadinessCheck("broker") { nil }, .migrations { true }, .database { nil }]).evaluate()
        #expect(report.isReady)
        #expect(report.json == #"{"status":"ready"}"#)
    }

    @Test("not ready names every failing check with its reason, in order")
    func notReady() async throws {
        let report = await Readiness([
            ReadinessCheck("broker") { "not connected: publisher" }, .migrations { false }, .database { "degraded: database unreachable since \"x\"" },
        ]).evaluate()
        #expect(!report.isReady)
        #expect(report.problems.map(\.check) == ["broker", "migrations", "database"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "not ready")
        let reasons = try #require(object["reasons"] as? [String: String])
        #expect(reasons["broker"] == "not connected: publisher")
        #expect(reasons["migrations"] == "not applied yet")
        #expect(reasons["database"] == "degraded: database unreachable since \"x\"")
    }

    @Test("control characters in a reason stay valid JSON")
    func escaping() async throws {
        let report = await Readiness([ReadinessCheck("x") { "a\nb\u{1}c\\" }]).evaluate()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect((object["reasons"] as? [String: String])?["x"] == "a\nb\u{1}c\\")
    }
}
