import CoxswainAMQP
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import Foundation
import Logging
import Testing

/// Signed work end to end: a real Deployer refuses forged, unsigned, expired and replayed batches
/// (and audits it); the Scheduler refuses a result signed by the wrong key; tampering with one audit
/// row makes `coxswain audit verify` fail and name it.
extension PlatformTests {
    /// Publishes raw messages with the test's admin credentials (what an attacker with broker access could do).
    func publish(_ p: TestPlatform, _ messages: [OutgoingMessage]) async throws {
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: p.amqpURL), topology: .empty, logger: Logger(label: "test"))
        try await publisher.publish(messages)
    }

    /// The control plane's real signing key, read the way the Scheduler does (sealed with the master key).
    func controlKey(_ p: TestPlatform) async throws -> SigningKeyPair {
        let hex = try await p.sql("SELECT encode(secret_key_sealed, 'hex') || ' ' || id FROM control_keys WHERE active")
        let parts = hex.split(separator: " ")
        let sealed = stride(from: 0, to: parts[0].count, by: 2).map { i -> UInt8 in
            let start = parts[0].index(parts[0].startIndex, offsetBy: i)
            return UInt8(parts[0][start..<parts[0].index(start, offsetBy: 2)], radix: 16)!
        }
        let box = try SecretBox(base64Key: ProcessInfo.processInfo.environment["COXSWAIN_SECURITY_MASTER_KEY"] ?? "")
        // The Scheduler binds the ciphertext to "control-key:<UUID>" as Swift prints a UUID (upper case).
        let id = UUID(uuidString: String(parts[1]))!
        return try SigningKeyPair(secretKey: try box.open(sealed, associatedData: Array("control-key:\(id)".utf8)))
    }

    func batch(_ node: String, mark: String, expiresIn: TimeInterval = 600, nonce: String = UUID().uuidString) throws -> TaskBatch {
        TaskBatch(
            jobID: JobID(), node: try NodeName(validating: node),
            tasks: [TaskSpec(taskID: TaskID(), verb: .run, arguments: "echo \(mark) >> $TEST_MARK_DIR/$TEST_NODE", timeoutSeconds: 10)],
            issuedAt: Date(), expiresAt: Date().addingTimeInterval(expiresIn), nonce: nonce
        )
    }

    func refusals(_ p: TestPlatform) async throws -> Int {
        Int(try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'task_batch.refused'")) ?? 0
    }

    @Test("a Deployer refuses forged, unsigned, expired and replayed batches and audits each", .timeLimit(.minutes(3)))
    func deployerRefusesBadBatches() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            let node = try NodeName(validating: "node-a")
            // Make sure a control key exists (the first dispatch creates it).
            #expect(try await p.cli(["exec", "--verb", "ECHO", "warm", "--wait", "--check"]).status == 0)
            let real = try await controlKey(p)
            let route = Topology.RoutingKey.node(node)

            // 1. A valid batch signed with the real key runs (proves the harness signs correctly).
            let good = try batch("node-a", mark: "good")
            try await publish(p, [try OutgoingMessage(try MessageSigning.sign(good, with: real), exchange: Topology.commands, routingKey: route)])
            try await eventually("the valid batch ran") { p.marks("node-a").contains("good") }

            // 2. Forged: signed with another key.
            let forged = try MessageSigning.sign(try batch("node-a", mark: "forged"), with: SigningKeyPair.generate())
            // 3. Tampered: a valid signature over different bytes.
            var tampered = try MessageSigning.sign(try batch("node-a", mark: "tampered"), with: real)
            tampered.payload = Data(try WireCoding.encode(try batch("node-a", mark: "tampered-2"))).base64EncodedString()
            // 4. Expired.
            let expired = try MessageSigning.sign(try batch("node-a", mark: "expired", expiresIn: -1), with: real)
            // 5. Replayed: the nonce of the batch that already ran.
            let replay = try MessageSigning.sign(try batch("node-a", mark: "replayed", nonce: good.nonce), with: real)
            // 6. Addressed to another node.
            let misdirected = try MessageSigning.sign(try batch("node-b", mark: "misdirected"), with: real)
            let before = try await refusals(p)
            try await publish(
                p, try [forged, tampered, expired, replay, misdirected].map { try OutgoingMessage($0, exchange: Topology.commands, routingKey: route) })
            // 7. Unsigned: a bare TaskBatch.
            try await publish(p, [try OutgoingMessage(try batch("node-a", mark: "unsigned"), exchange: Topology.commands, routingKey: route)])
            try await eventually("six refusals audited") { try await refusals(p) - before >= 6 }
            let reasons = try await p.sql("SELECT string_agg(payload_raw, ' ') FROM audit_events WHERE action = 'task_batch.refused'")
            for word in ["does not trust", "signature does not match", "expired", "replayed", "another node", "unsigned"] {
                #expect(reasons.contains(word), "no refusal mentions '\(word)': \(reasons)")
            }
            #expect(try await p.sql("SELECT DISTINCT actor FROM audit_events WHERE action = 'task_batch.refused'") == "node:node-a")
            for mark in ["forged", "tampered", "tampered-2", "expired", "replayed", "misdirected", "unsigned"] {
                #expect(!p.marks("node-a").contains(mark), "the \(mark) batch ran")
            }
        }
    }

    @Test("the Scheduler refuses a result signed by the wrong key", .timeLimit(.minutes(3)))
    func schedulerRefusesForeignResults() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            let id = try await p.cli(["exec", "--verb", "RUN", "sleep 3", "--target", "node-a"])
            let jobID = id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await eventually("task dispatched") {
                try await p.sql("SELECT count(*) FROM tasks WHERE job_id = '\(jobID)' AND dispatched_at IS NOT NULL") == "1"
            }
            let taskID = try await p.sql("SELECT id FROM tasks WHERE job_id = '\(jobID)'")
            let node = try NodeName(validating: "node-a")
            let fake = TaskResult(
                jobID: JobID(string: jobID)!, taskID: TaskID(UUID(uuidString: taskID)!), node: node, status: .succeeded, exitCode: 0,
                stdout: "forged", stderr: "", error: nil, startedAt: Date(), finishedAt: Date()
            )
            try await publish(
                p,
                [
                    try OutgoingMessage(
                        try MessageSigning.sign(fake, with: SigningKeyPair.generate()), exchange: Topology.events, routingKey: Topology.RoutingKey.result(node))
                ])
            try await eventually("refusal audited") { try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'task_result.refused'") == "1" }
            // The real result still lands; the forged stdout never does.
            try await eventually("real result recorded", timeout: .seconds(20)) {
                try await p.sql("SELECT status FROM tasks WHERE id = '\(taskID)'") == "succeeded"
            }
            #expect(try await p.sql("SELECT stdout FROM tasks WHERE id = '\(taskID)'") != "forged")
        }
    }

    @Test("tampering with one audit row makes audit verify fail and name it", .timeLimit(.minutes(3)))
    func auditTamperDetected() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            for i in 0..<3 { #expect(try await p.cli(["exec", "--verb", "ECHO", "e\(i)", "--wait"]).status == 0) }
            try await eventually("audit rows") { Int(try await p.sql("SELECT count(*) FROM audit_events WHERE team_id = '\(TeamID.defaultTeam)'")) ?? 0 >= 12 }
            let intact = try await p.cli(["audit", "verify"])
            #expect(intact.status == 0 && intact.stdout.contains("intact"), "\(intact)")
            _ = try await p.sql("UPDATE audit_events SET actor = 'someone-else' WHERE team_id = '\(TeamID.defaultTeam)' AND seq = 5")
            let broken = try await p.cli(["audit", "verify"])
            #expect(broken.status == 1, "\(broken)")
            #expect(broken.stdout.contains("BROKEN at record 5"), "\(broken)")
            let list = try await p.cli(["audit", "list", "--action", "job.completed"])
            #expect(list.status == 0 && list.stdout.contains("job.completed"))
        }
    }
}

extension PlatformTests {
    @Test("keys rotate hands the new control-plane key over live; node rekey re-registers the node's keys", .timeLimit(.minutes(3)))
    func keyRotationAndRekey() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"]) { p in
            #expect(try await p.cli(["exec", "--verb", "ECHO", "before", "--wait", "--check"]).status == 0)
            let oldKey = try await p.sql("SELECT public_key FROM control_keys WHERE active")
            let rotate = try await p.cli(["keys", "rotate"])
            #expect(rotate.status == 0 && rotate.stdout.contains("hand-over sent to 2 node(s)"), "\(rotate)")
            let newKey = try await p.sql("SELECT public_key FROM control_keys WHERE active")
            #expect(newKey != oldKey)
            // Work signed with the new key runs at once on every node.
            let after = try await p.cli(["exec", "--verb", "ECHO", "after", "--wait", "--check"])
            #expect(after.status == 0, "\(after)\n\(p.log("deployer-node-a"))")
            for node in ["node-a", "node-b"] {
                let credentials = (try? String(contentsOfFile: p.directory + "/nodes/\(node)/credentials.json", encoding: .utf8)) ?? ""
                #expect(
                    credentials.contains(newKey.replacingOccurrences(of: "/", with: "\\/")) || credentials.contains(newKey), "\(node) did not keep the new key")
            }
            try await eventually("hand-overs audited") {
                try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'keys.handover' AND outcome = 'success'") == "2"
            }
            #expect(try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'keys.rotate'") == "1")

            // Node rekey: new keys on the node, re-registered, and its later results are accepted.
            let before = try await p.sql("SELECT signing_public_key FROM nodes WHERE name = 'node-a'")
            let rekey = try await p.cli(["node", "rekey", "node-a"])
            #expect(rekey.status == 0, "\(rekey)")
            let rekeyed = try await p.sql("SELECT signing_public_key FROM nodes WHERE name = 'node-a'")
            #expect(rekeyed != before && !rekeyed.isEmpty)
            let later = try await p.cli(["exec", "--verb", "RUN", "echo still-trusted", "--target", "node-a", "--wait", "--check"])
            #expect(later.status == 0 && later.stdout.contains("still-trusted"), "\(later)")
            try await eventually("rekey audited") { try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'node.rekeyed'") == "1" }
            #expect(try await p.sql("SELECT count(*) FROM audit_events WHERE action = 'task_result.refused'") == "0")

            // Only admins may rekey; a member's REKEY is refused.
            #expect(try await p.cli(["user", "create", "plain-member", "--role", "member", "--password-stdin"], stdin: "member-password-123").status == 0)
            let (_, login) = try await p.http("POST", "/v1/login", body: #"{"user":"plain-member","password":"member-password-123"}"#)
            let session = (try JSONSerialization.jsonObject(with: Data(login.utf8)) as? [String: Any])?["session"] as? String ?? ""
            let (status, _) = try await p.http(
                "POST", "/v1/jobs", headers: ["Authorization: Session \(session)"], body: #"{"verb":"REKEY","arguments":"","targets":["node-a"]}"#)
            #expect(status == 403)
        }
    }
}

extension PlatformTests {
    @Test("secret environment variables reach only the task: sealed at rest and per node, never shown or logged", .timeLimit(.minutes(3)))
    func secretEnvironment() async throws {
        try await TestPlatform.with(nodes: ["node-a", "node-b"]) { p in
            let secret = "s3cr3t-\(UUID().uuidString.prefix(8))"
            let r = try await p.cli(
                [
                    "exec", "--verb", "RUN", #"test "$DB_PASSWORD" = "$EXPECTED_HASH" || test "${#DB_PASSWORD}" -gt 0 && echo got-${#DB_PASSWORD}-chars"#,
                    "--secret-env", "DB_PASSWORD", "--wait", "--check", "--output", "json",
                ],
                extraEnvironment: ["DB_PASSWORD": secret])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains("got-\(secret.count)-chars"), "\(r.stdout)")
            #expect(!r.stdout.contains(secret))
            let info = try await p.cli(["manage", "--job-info", "last"])
            #expect(info.stdout.contains("secrets:    DB_PASSWORD") && !info.stdout.contains(secret), "\(info)")
            #expect(
                try await p.sql("SELECT count(*) FROM jobs WHERE secret_env IS NOT NULL AND position(convert_to('\(secret)', 'UTF8') in secret_env) = 0") == "1"
            )
            #expect(try await p.sql("SELECT count(*) FROM audit_events WHERE payload_raw LIKE '%\(secret)%'") == "0")
            for key in ["gateway", "scheduler-0", "audit", "deployer-node-a", "deployer-node-b"] {
                #expect(!p.log(key, lines: 100_000).contains(secret), "secret in the \(key) log")
            }
            // A bad name is refused before anything runs.
            let bad = try await p.cli(["exec", "--verb", "RUN", "true", "--secret-env", "1BAD"])
            #expect(bad.status == 64)
        }
    }
}
