import CoxswainCore
import Foundation
import Testing

@testable import GatewayService

@Suite("Job submission validator: targeting and batch policy")
struct TargetingValidationTests {
    func refusal(_ request: SubmitJobRequest) -> HTTPResponseError? {
        do {
            _ = try JobSubmissionValidator().validate(request, role: .member, team: "ops")
            return nil
        } catch {
            return error
        }
    }

    func echo(_ change: (inout SubmitJobRequest) -> Void) -> SubmitJobRequest {
        var request = SubmitJobRequest(verb: "ECHO", arguments: "x")
        change(&request)
        return request
    }

    @Test("globs, comma lists and selectors pass, parsed into the selector")
    func parsed() throws {
        let validated = try JobSubmissionValidator().validate(
            echo {
                $0.targets = ["web-*", "db-1,db-2"]
                $0.targetLabelSelectors = ["role=web,dc in (eu1,eu2)"]
                $0.targetFacts = ["os=debian"]
            }, role: .member, team: "ops")
        #expect(validated.selector.patterns == [.glob("web-*"), .exact("db-1"), .exact("db-2")])
        #expect(validated.selector.labelSelectors.map(\.description) == ["role=web,dc in (eu1,eu2)"])
        #expect(validated.selector.factSelectors.map(\.description) == ["os=debian"])
    }

    @Test("a malformed glob or selector is invalid_target naming the field, entry and position")
    func malformed() {
        let glob = refusal(echo { $0.targets = ["ok", "web-[1"] })
        #expect(glob?.code == "invalid_target" && glob?.reason == "targets[1]: expected ']' to close the '[' at 5 at 7")
        let label = refusal(echo { $0.targetLabelSelectors = ["role=web", "dc in (eu1"] })
        #expect(label?.code == "invalid_target" && label?.reason == "targetLabelSelectors[1]: expected ')' after 'eu1' at 11")
        let fact = refusal(echo { $0.targetFacts = ["os!"] })
        #expect(fact?.code == "invalid_target" && fact?.reason.hasPrefix("targetFacts[0]: ") == true)
    }

    @Test("batch policy: batchWaitSeconds in [0, 3600], both need batch")
    func batchPolicy() {
        #expect(
            refusal(
                echo {
                    $0.batch = "2"
                    $0.batchFailFast = true
                    $0.batchWaitSeconds = 30
                }) == nil)
        for wait: Double in [-1, 3600.5, 1e300, -.greatestFiniteMagnitude] {
            let error = refusal(
                echo {
                    $0.batch = "2"
                    $0.batchWaitSeconds = wait
                })
            #expect(error?.code == "invalid_batch" && error?.reason.contains("batchWaitSeconds") == true, "\(wait)")
        }
        #expect(refusal(echo { $0.batchWaitSeconds = 1 })?.reason == "batchWaitSeconds needs batch (a number of nodes or a percentage)")
        #expect(refusal(echo { $0.batchFailFast = true })?.reason == "batchFailFast needs batch (a number of nodes or a percentage)")
        #expect(refusal(echo { $0.batchFailFast = false }) == nil)
    }
}
