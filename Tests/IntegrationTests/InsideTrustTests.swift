import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The inside trusts nothing it cannot check: a node speaks only for itself and its enrolment team
/// (whatever its payload says), its heartbeats are signed, extreme or malformed messages crash
/// nothing, and rows written into the database by someone without the master key never run.
@Suite(
    "Inside trust: node messages, broker fuzzing, sealed jobs", .serialized,
    .enabled(if: TestEnvironment.enabled, "set COXSWAIN_INTEGRATION=1 (scripts/test.sh does)"))
struct InsideTrustTests {
    /// A node's own broker credentials and signing key, read from its state directory (what an attacker owning that node has).
    struct NodeIdentityOnDisk {
        let amqpURL: String
        let teamID: String
        let signing: SigningKeyPair
    }

    static func identity(_ p: TestPlatform, _ node: String) throws -> NodeIdentityOnDisk {
        let dir = p.directory + "/nodes/\(node)"
        let credentials = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/credentials.json"))) as? [String: Any] ?? [:]
        let keys = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/keys.json"))) as? [String: Any] ?? [:]
        let secret = Array(Data(base64Encoded: keys["signingSecretKey"] as? String ?? "") ?? Data())
        return NodeIdentityOnDisk(
            amqpURL: credentials["amqpURL"] as? String ?? "", teamID: credentials["teamID"] as? String ?? "", signing: try SigningKeyPair(secretKey: secret)
        )
    }

    /// Publishes with a node's own broker user (limited to its routing-key prefix by the broker).
    static func publishAsNode(_ id: NodeIdentityOnDisk, _ messages: [OutgoingMessage]) async throws {
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: id.amqpURL), topology: .empty, logger: Logger(label: "attacker"))
        try await publisher.publish(messages)
    }

    static func heartbeat(_ node: String, labels: [String: String] = [:], uptime: Double = 10, interval: Double = 1, started: Date = Date()) throws
        -> NodeHeartbeat
    {
        NodeHeartbeat(
            node: try NodeName(validating: node), machineID: "forged", version: "9.9.9-forged", hostUptimeSeconds: uptime, agentStartedAt: started,
            sentAt: Date(), labels: labels, intervalSeconds: interval
        )
    }

    static func dead(_ p: TestPlatform) async throws -> Int {
        let json = try await p.management("GET", "/api/queues/\(p.vhost)/coxswain.dead")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return (object?["messages"] as? Int) ?? 0
    }

    @Test("a node cannot speak for another node or another team; unsigned heartbeats are refused", .timeLimit(.minutes(3)))
    func nodeSpeaksOnlyForItself() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"]) { p in
            let b = try Self.identity(p, "node-b")
            let otherTeam = UUID().uuidString.lowercased()
            let keyB = try NodeName(validating: "node-b")

            // 1. node-b sends a heartbeat naming node-a (signed with its own key) to set node-a's labels.
            let forgedA = try MessageSigning.sign(try Self.heartbeat("node-a", labels: ["role": "pwned"]), with: b.signing)
            // 2. An unsigned heartbeat (the old format) from node-b.
            let unsigned = try Self.heartbeat("node-b", labels: ["unsigned": "yes"])
            // 3. A heartbeat for node-b signed with a key that is not node-b's.
            let wrongKey = try MessageSigning.sign(try Self.heartbeat("node-b", labels: ["wrongkey": "yes"]), with: SigningKeyPair.generate())
            // 4. An audit event naming another team and pretending to be a job acceptance.
            let audit = AuditEvent(
                teamID: TeamID(otherTeam), time: Date(), actor: "user:alice", action: "job.accepted", target: "job:forged", outcome: .success,
                requestID: nil, details: ["forged": "yes"]
            )
            // 5. A job event (fires job.failed webhooks) on the node's audit key.
            var jobEvent = JobEvent(kind: .completed, jobID: JobID(), time: Date(), jobStatus: .failed)
            jobEvent.teamID = TeamID(otherTeam)
            let deadBefore = try await Self.dead(p)
            try await Self.publishAsNode(
                b,
                [
                    try OutgoingMessage(forgedA, exchange: Topology.events, routingKey: Topology.RoutingKey.heartbeat(keyB)),
                    try OutgoingMessage(unsigned, exchange: Topology.events, routingKey: Topology.RoutingKey.heartbeat(keyB)),
                    try OutgoingMessage(wrongKey, exchange: Topology.events, routingKey: Topology.RoutingKey.heartbeat(keyB)),
                    try OutgoingMessage(audit, exchange: Topology.events, routingKey: Topology.RoutingKey.nodeAudit(keyB)),
                    try OutgoingMessage(jobEvent, exchange: Topology.events, routingKey: Topology.RoutingKey.nodeAudit(keyB)),
                ])
            try await eventually("refusals audited") {
                let refused = try await p.sql("SELECT count(*) FROM audit_events WHERE action IN ('message.refused', 'heartbeat.refused')")
                return (Int(refused) ?? 0) >= 4
            }
            try await Task.sleep(for: .seconds(2))  // node-a's own heartbeats keep coming meanwhile
            let labels = try await p.sql("SELECT labels FROM nodes WHERE name = 'node-a'")
            #expect(!labels.contains("pwned"), "node-a's labels were changed by node-b: \(labels)")
            let bLabels = try await p.sql("SELECT labels || ' ' || version FROM nodes WHERE name = 'node-b'")
            #expect(!bLabels.contains("unsigned") && !bLabels.contains("wrongkey") && !bLabels.contains("forged"), "\(bLabels)")
            // Nothing was recorded under the other team; the audit event landed under node-b's own team, as node-b.
            #expect(try await p.sql("SELECT count(*) FROM audit_events WHERE team_id = '\(otherTeam)'") == "0")
            let accepted = try await p.sql("SELECT actor || ' ' || team_id FROM audit_events WHERE action = 'job.accepted' AND target = 'job:forged'")
            #expect(accepted == "node:node-b \(b.teamID)", "\(accepted)")
            #expect(
                try await p.sql(
                    "SELECT count(*) FROM audit_events WHERE action = 'job.completed' AND actor = 'service:scheduler' AND payload_raw LIKE '%\(jobEvent.jobID)%'"
                ) == "0")
            // Refused messages were dead-lettered for an operator to inspect.
            try await eventually("dead letters") { try await Self.dead(p) > deadBefore }
            // The audit chain still verifies and the nodes still work.
            #expect(try await p.cli(["audit", "verify"]).status == 0)
            #expect(try await p.cli(["exec", "--verb", "ECHO", "ok", "--wait", "--check"]).status == 0)
        }
    }

    @Test("broker fuzzing: extreme numbers, malformed bodies and properties crash nothing and record nothing", .timeLimit(.minutes(3)))
    func brokerFuzzing() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"]) { p in
            let b = try Self.identity(p, "node-b")
            let keyB = try NodeName(validating: "node-b")
            var messages: [OutgoingMessage] = []
            // Extreme numbers in signed heartbeats and results (signed with node-b's real key).
            for (uptime, interval, started) in [
                (1e300, 1.0, Date()), (-1e300, 1.0, Date()), (10.0, 1e308, Date()), (10.0, -5.0, Date()),
                (10.0, 1.0, Date(timeIntervalSince1970: 9e15)), (10.0, 1.0, Date(timeIntervalSince1970: -9e15)),
            ] {
                let beat = try Self.heartbeat("node-b", labels: ["fuzz": "1"], uptime: uptime, interval: interval, started: started)
                messages.append(
                    try OutgoingMessage(
                        try MessageSigning.sign(beat, with: b.signing), exchange: Topology.events, routingKey: Topology.RoutingKey.heartbeat(keyB)))
            }
            for date in [Date(timeIntervalSince1970: 9e15), Date(timeIntervalSince1970: -9e15), Date(timeIntervalSince1970: 1e12)] {
                let result = TaskResult(
                    jobID: JobID(), taskID: TaskID(), node: keyB, status: .succeeded, exitCode: Int32.max, stdout: "", stderr: "", error: nil, startedAt: date,
                    finishedAt: date)
                messages.append(
                    try OutgoingMessage(
                        try MessageSigning.sign(result, with: b.signing), exchange: Topology.events, routingKey: Topology.RoutingKey.result(keyB)))
            }
            // Malformed bodies of every node message type, and keys a node should not use.
            var rng = SystemRandomNumberGenerator()
            for kind in Topology.RoutingKey.NodeKind.allCases {
                for body in [
                    "", "{", "null", "[]", "{\"node\":\"node-a\"}", String(repeating: "9", count: 400),
                    "{\"payload\":\"!!\",\"signature\":\"\",\"node\":\"node-b\"}",
                    String(decoding: (0..<200).map { _ in UInt8.random(in: 0...255, using: &rng) }, as: UTF8.self), "\"\\u0000\"",
                ] {
                    messages.append(
                        OutgoingMessage(
                            exchange: Topology.events.name, routingKey: "node.node-b.\(kind.rawValue)", body: Array(body.utf8),
                            properties: AMQPProperties(messageID: UUID().uuidString, type: kind.messageType)))
                }
            }
            for key in ["node.node-b.result.extra", "node.node-b.job", "node.node-b.unknown"] {
                messages.append(
                    OutgoingMessage(
                        exchange: Topology.events.name, routingKey: key, body: Array("{}".utf8), properties: AMQPProperties(type: JobEvent.messageType)))
            }
            try await Self.publishAsNode(b, messages)
            // An AMQP timestamp of 2^62 (the broker passes it through; once it crashed Audit forever).
            _ = try await p.management(
                "POST", "/api/exchanges/\(p.vhost)/coxswain.events/publish",
                body:
                    #"{"properties":{"timestamp":4611686018427387904,"type":"audit.event","message_id":"ts-2-62"},"routing_key":"audit.fuzz","payload":"{\"teamID\":null,\"time\":\"2026-01-01T00:00:00.000Z\",\"actor\":\"x\",\"action\":\"fuzz.timestamp\",\"target\":\"t\",\"outcome\":\"success\",\"details\":{}}","payload_encoding":"string"}"#
            )
            try await eventually("the extreme timestamp was recorded without a crash") {
                try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'fuzz.timestamp'") == "1"
            }
            try await Task.sleep(for: .seconds(2))
            for service in ["gateway", "scheduler-0", "audit"] {
                let pid = try #require(p.pid(service), "\(service) is not running")
                #expect(kill(pid, 0) == 0, "\(service) died\n\(p.log(service))")
            }
            // Nothing from the fuzz was recorded as node state or a result.
            #expect(try await p.sql("SELECT count(*) FROM nodes WHERE labels LIKE '%fuzz%'") == "0")
            #expect(try await p.sql("SELECT count(*) FROM tasks WHERE node = 'node-b' AND result_received_at IS NOT NULL") == "0")
            // And the platform still works.
            #expect(try await p.cli(["exec", "--verb", "ECHO", "alive", "--wait", "--check"]).status == 0)
        }
    }

    @Test("a job or task written into the database without the master key is refused, audited, and never runs", .timeLimit(.minutes(3)))
    func unsealedWorkNeverRuns() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            // A legitimate job first (its seal verifies), so the team and node exist and work.
            let ok = try await p.cli(["exec", "--verb", "RUN", "echo sealed >> $TEST_MARK_DIR/$TEST_NODE", "--wait", "--check", "--output", "json"])
            #expect(ok.status == 0, "\(ok)")
            let okID = try #require((try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])?["job"] as? [String: Any])["id"] as? String
            // 1. A job inserted by SQL (the stranded sweep picks up `submitted` jobs).
            let forged = UUID().uuidString.lowercased()
            _ = try await p.sql(
                """
                INSERT INTO jobs (id, team_id, verb, arguments, targets, timeout_seconds, status, submitted_by, created_at)
                SELECT '\(forged)', team_id, 'RUN', 'echo injected >> $TEST_MARK_DIR/$TEST_NODE', '{node-a}', 60, 'submitted', 'user:nobody',
                       clock_timestamp() - interval '1 hour' FROM nodes WHERE name = 'node-a'
                """
            )
            // 2. A task inserted for the legitimate job, with other work.
            let okJob = try #require(okID)
            _ = try await p.sql(
                """
                INSERT INTO tasks (id, job_id, node, seq, status, timeout_seconds, verb, arguments, created_at)
                VALUES (gen_random_uuid(), '\(okJob)', 'node-a', 7, 'pending', 60, 'RUN', 'echo tampered >> $TEST_MARK_DIR/$TEST_NODE', clock_timestamp() - interval '1 hour')
                """
            )
            try await eventually("the forged job refused") {
                try await p.sql("SELECT status FROM jobs WHERE id = '\(forged)'") == "failed"
            }
            #expect(try await p.sql("SELECT error FROM jobs WHERE id = '\(forged)'").contains("not sealed"))
            try await eventually("both refusals audited") {
                let n = try await p.sql("SELECT count(*) FROM audit_events WHERE action IN ('job.refused', 'task.refused')")
                return (Int(n) ?? 0) >= 2
            }
            try await Task.sleep(for: .seconds(2))
            #expect(p.marks("node-a") == ["sealed"], "unsealed work ran: \(p.marks("node-a"))")
        }
    }

    @Test("a removed node's queue is deleted, and the dead-letter queue is capped by a policy", .timeLimit(.minutes(2)))
    func removedNodeQueueAndDeadLetterCap() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"], audit: false) { p in
            _ = try await p.management("GET", "/api/queues/\(p.vhost)/coxswain.node.node-b")
            let removed = try await p.cli(["node", "remove", "node-b"])
            #expect(removed.status == 0, "\(removed)")
            let gone = try await runCommand(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "\(p.env.managementURL.user ?? ""):\(p.env.managementURL.password ?? "")",
                    "http://\(p.env.managementURL.host ?? "127.0.0.1"):\(p.env.managementURL.port ?? 0)/api/queues/\(p.vhost)/coxswain.node.node-b",
                ])
            #expect(gone.stdout == "404", "the removed node's queue still exists: \(gone)")
            try await eventually("dead-letter policy set") {
                (try? await p.management("GET", "/api/policies/\(p.vhost)/coxswain-dead-letters"))?.contains("max-length") == true
            }
        }
    }

    @Test("binary output with NUL bytes is recorded (not refused by the database and dead-lettered)", .timeLimit(.minutes(2)))
    func nulInOutput() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { p in
            let r = try await p.cli(["exec", "--verb", "RUN", "printf 'a\\000b'", "--wait", "--check"])
            #expect(r.status == 0, "\(r)")
            #expect(try await p.sql("SELECT status FROM tasks") == "succeeded")
        }
    }

    @Test("jobs start with a minimal environment: none of the agent's own variables", .timeLimit(.minutes(2)))
    func minimalJobEnvironment() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            let r = try await p.cli(["exec", "--verb", "RUN", "env", "--wait", "--check", "--output", "json"])
            #expect(r.status == 0, "\(r)")
            for secret in ["COXSWAIN_", "DATABASE_URL", "AMQP", "MASTER_KEY", "ENROL"] {
                #expect(!r.stdout.contains(secret), "job environment shows \(secret)")
            }
            #expect(r.stdout.contains("PATH="))
        }
    }
}
