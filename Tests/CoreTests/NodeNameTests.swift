import CoxswainCore
import Foundation
import Testing

@Suite("Node names")
struct NodeNameTests {
    @Test("accepts the names operators use", arguments: ["node-a", "web-1", "db01-example", "a", "x_y"])
    func acceptsValidNames(_ name: String) throws {
        #expect(try NodeName(validating: name).rawValue == name)
    }

    @Test(
        "refuses names that would break queue names or routing keys",
        arguments: ["", "Node", "-a", ".a", "a.b", "a b", "a*", "a#", "a/b", String(repeating: "a", count: 64)])
    func refusesInvalidNames(_ name: String) {
        #expect(throws: NodeNameError.self) { try NodeName(validating: name) }
    }

    @Test("decoding an invalid node name fails with the naming rule")
    func decodingValidates() {
        let data = Data(
            #"{"node":"BAD NAME","machineID":"m","version":"v","hostUptimeSeconds":1,"agentStartedAt":"2026-11-21T10:00:00.000Z","sentAt":"2026-11-21T10:00:00.000Z","labels":{},"intervalSeconds":5}"#
                .utf8)
        #expect(throws: DecodingError.self) { try WireCoding.decoder().decode(NodeHeartbeat.self, from: data) }
    }
}

@Suite("Wire coding")
struct WireCodingTests {
    @Test("a task batch survives the wire unchanged, dates to the millisecond")
    func roundTrip() throws {
        let batch = TaskBatch(
            jobID: JobID(), node: try NodeName(validating: "node-a"),
            tasks: [TaskSpec(taskID: TaskID(), verb: .run, arguments: "echo 'hi' && uname -a", environment: ["A": "1"], timeoutSeconds: 1.5)],
            issuedAt: Date(timeIntervalSince1970: 1_800_000_000.5), expiresAt: Date(timeIntervalSince1970: 1_800_000_600.5), nonce: "n-1"
        )
        let decoded = try WireCoding.decode(TaskBatch.self, from: try WireCoding.encode(batch))
        #expect(decoded == batch)
    }

    @Test("verbs parse case-insensitively and unknown verbs are refused")
    func verbs() {
        #expect(Verb(parsing: "run") == .run)
        #expect(Verb(parsing: "ECHO") == .echo)
        #expect(Verb(parsing: "FROB") == nil)
    }

    @Test("message type names are stable")
    func typeNames() {
        #expect(JobSubmitted.messageType == "job.submitted")
        #expect(TaskBatch.messageType == "task.batch")
        #expect(TaskResult.messageType == "task.result")
        #expect(NodeHeartbeat.messageType == "node.heartbeat")
    }
}

@Suite("Key hand-over signing text")
struct KeyHandoverTextTests {
    @Test("the signed text is the same after the wire round trip, whatever the sub-millisecond part")
    func stableAcrossTheWire() throws {
        for fraction in stride(from: 0.0, to: 0.001, by: 0.0001) {
            let t = Date(timeIntervalSince1970: 1_800_000_000.123 + fraction)
            let sent = KeyHandover(newKey: "k", previousKey: "p", previousValidUntil: t, issuedAt: t, signature: "")
            let received = try WireCoding.decode(KeyHandover.self, from: try WireCoding.encode(sent))
            #expect(
                KeyHandover.signedText(newKey: "k", previousValidUntil: sent.previousValidUntil, issuedAt: sent.issuedAt)
                    == KeyHandover.signedText(newKey: "k", previousValidUntil: received.previousValidUntil, issuedAt: received.issuedAt)
            )
        }
    }
}
