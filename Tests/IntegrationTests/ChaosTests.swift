import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults during a long orchestration: `kill -9` of PostgreSQL, RabbitMQ, the Gateway, one of two
/// Schedulers, Audit and a Deployer at a random moment, then a restart. After each round: every
/// step's effect happened at most once, every step is recorded with the status it really had
/// within 30 s of the restart, the CLI's `--wait` (which lived through the fault) returned the
/// right exit code, and the audit chain verifies.
///
/// Sized by `COXSWAIN_CHAOS_ROUNDS` (rounds per component, default 1) and `COXSWAIN_CHAOS_STEPS`
/// (steps per node, default 150): `make test` runs one small round of each; `make chaos` runs
/// 5 rounds of 1000 steps. Prints its figures (recovery time, steps reconciled from nodes).
@Suite("Chaos: kill -9 during a run", .serialized, .enabled(if: TestEnvironment.enabled, "set COXSWAIN_INTEGRATION=1 (scripts/test.sh does)"))
struct ChaosTests {
    static let rounds = Int(ProcessInfo.processInfo.environment["COXSWAIN_CHAOS_ROUNDS"] ?? "") ?? 1
    static let steps = Int(ProcessInfo.processInfo.environment["COXSWAIN_CHAOS_STEPS"] ?? "") ?? 150

    enum Victim: String, CaseIterable, CustomStringConvertible {
        case postgres, rabbitmq, gateway, scheduler, audit, bootstrapper, deployer
        var description: String { rawValue }
    }

    @Test("kill -9 at a random moment, then restart: every step once, recorded truthfully", .timeLimit(.minutes(60)), arguments: Victim.allCases)
    func killDuringRun(victim: Victim) async throws {
        let env = try TestEnvironment.load()
        let nodes = ["node-a", "node-b"]
        try await TestPlatform.with(schedulers: 2, nodes: nodes) { platform in
            try platform.startBootstrapper()
            var figures: [String] = []
            for round in 1...Self.rounds {
                let figure = try await Self.round(round, victim: victim, platform: platform, env: env, nodes: nodes)
                figures.append(figure)
            }
            print("CHAOS \(victim): " + figures.joined(separator: "; "))
            // The audit chain still verifies after every fault.
            let verify = try await platform.cli(["audit", "verify"])
            #expect(verify.status == 0, "\(verify)")
        }
    }

    @Test("a PostgreSQL restart while nothing runs: the next job is recorded in full", .timeLimit(.minutes(3)))
    func postgresRestartWhileIdle() async throws {
        let env = try TestEnvironment.load()
        guard let restart = env.restartPostgres else { throw HarnessError("COXSWAIN_TEST_RESTART_POSTGRES is not set") }
        try await TestPlatform.with(schedulers: 2, nodes: ["node-a", "node-b"]) { platform in
            #expect(try await platform.cli(["exec", "--verb", "ECHO", "before", "--wait", "--check"]).status == 0)
            let r = try await runCommand("/bin/sh", ["-c", restart], timeout: .seconds(120))
            #expect(r.status == 0, "\(r)")
            let clock = ContinuousClock()
            let start = clock.now
            let after = try await platform.cli(
                ["exec", "--verb", "RUN", "echo after >> $TEST_MARK_DIR/$TEST_NODE", "--wait", "--check", "--output", "json"], timeout: .seconds(90))
            #expect(after.status == 0, "\(after)\n\(platform.log("scheduler-0"))")
            #expect(
                try await platform.sql(
                    "SELECT count(*) FROM tasks WHERE status = 'succeeded' AND stdout = '' AND job_id = (SELECT id FROM jobs ORDER BY created_at DESC LIMIT 1)")
                    == "2")
            for node in ["node-a", "node-b"] { #expect(platform.marks(node) == ["after"]) }
            print("CHAOS postgres idle restart: next job recorded in full \(Self.seconds(clock.now - start)) after the restart")
            #expect(try await platform.cli(["audit", "verify"]).status == 0)
        }
    }

    /// One round; returns its figures as text.
    static func round(_ round: Int, victim: Victim, platform: TestPlatform, env: TestEnvironment, nodes: [String]) async throws -> String {
        let tag = "r\(round)"
        let file = platform.directory + "/chaos-\(victim)-\(tag).yaml"
        // One block, `steps` steps on every node; each appends its own number to a per-node, per-round file.
        let jobs = (1...steps).map { "      - RUN: --skip-cache echo \($0) >> $TEST_MARK_DIR/$TEST_NODE-\(tag)" }.joined(separator: "\n")
        try "- targets: [\(nodes.joined(separator: ", "))]\n  jobs:\n\(jobs)\n".write(toFile: file, atomically: true, encoding: .utf8)

        let waiter = Task { try await platform.cli(["orchestrate", file, "--wait", "--check", "--output", "json"], timeout: .seconds(600)) }
        // A random moment between 10 % and 70 % of the run.
        let killAt = Int.random(in: max(1, steps / 10)...max(2, steps * 7 / 10))
        try await eventually("\(killAt) steps ran", timeout: .seconds(120), every: .milliseconds(20)) {
            platform.marks("node-a-\(tag)").count >= killAt
        }
        let clock = ContinuousClock()
        let restartStart = clock.now
        try await kill(victim, platform: platform, env: env)
        let restarted = clock.now

        // Recorded in full within 30 s of the restart, or of the last step's effect when the run goes
        // on longer than that (the steps after the fault still have to run).
        var lastEffect = restarted
        var effects = -1
        while true {
            let count = nodes.reduce(0) { $0 + platform.marks("\($1)-\(tag)").count }
            if count != effects {
                effects = count
                lastEffect = clock.now
            }
            let pending = try await platform.sql(
                "SELECT count(*) FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.status = 'pending' AND j.steps IS NOT NULL")
            let open = try await platform.sql("SELECT count(*) FROM jobs WHERE status IN ('submitted', 'dispatched')")
            if pending == "0" && open == "0" { break }
            let since = max(restarted, lastEffect)
            if clock.now - since > .seconds(30) {
                throw HarnessError(
                    "\(victim) round \(round): \(pending) step(s) still pending 30 s after the restart and the last effect\n\(platform.log("scheduler-0"))")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        let recovered = clock.now - max(restarted, lastEffect)

        // Every effect at most once; every step recorded with the status it really had.
        let rows = try await platform.sql(
            """
            SELECT t.node || '|' || t.seq || '|' || t.status || '|' || coalesce(t.error, '') FROM tasks t
            WHERE t.job_id = (SELECT id FROM jobs WHERE steps IS NOT NULL ORDER BY created_at DESC LIMIT 1) ORDER BY t.node, t.seq
            """
        )
        var interrupted = 0
        var succeeded = 0
        for node in nodes {
            let marks = platform.marks("\(node)-\(tag)")
            #expect(Set(marks).count == marks.count, "\(victim) round \(round): an effect happened twice on \(node)")
            let ran = Set(marks.compactMap(Int.init))
            for line in rows.split(separator: "\n") where line.hasPrefix(node + "|") {
                let f = line.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard f.count == 4, let seq = Int(f[1]) else { continue }
                let step = seq + 1
                if f[2] == "succeeded" {
                    succeeded += 1
                    #expect(ran.contains(step), "\(victim) round \(round): \(node) step \(step) recorded succeeded but never ran")
                } else if ran.contains(step) {
                    // Only the step running when its own Deployer was killed may have run and be failed ("interrupted").
                    interrupted += 1
                    #expect(
                        victim == .deployer && f[3].contains("interrupted"),
                        "\(victim) round \(round): \(node) step \(step) ran but is recorded \(f[2]): \(f[3])")
                }
            }
        }
        #expect(interrupted <= 1, "\(victim) round \(round): \(interrupted) steps ran but were recorded failed")
        if victim != .deployer {
            #expect(
                succeeded == steps * nodes.count,
                "\(victim) round \(round): \(succeeded) of \(steps * nodes.count) steps succeeded\n\(platform.log("scheduler-0"))")
        }

        // The CLI's wait lived through the fault and tells the truth.
        let r = try await waiter.value
        let expected: Int32 = succeeded == steps * nodes.count ? 0 : 1
        #expect(r.status == expected, "\(victim) round \(round): orchestrate --wait exited \(r.status), expected \(expected)\n\(String(r.stderr.suffix(2000)))")
        // The restarted service is back: consuming from the broker again.
        let service = [Victim.gateway: "gateway", .scheduler: "scheduler-0", .audit: "audit", .bootstrapper: "bootstrapper", .deployer: "deployer-node-a"][
            victim]
        if let service {
            try await eventually("\(service) reconnected after its restart", timeout: .seconds(30)) {
                platform.log(service, lines: 400).contains("AMQP consumer connected")
            }
        }
        let reconciled = try await platform.sql("SELECT count(*) FROM tasks WHERE reconcile_requested_at IS NOT NULL")
        return
            "round \(round): killed after \(killAt) steps, restart took \(seconds(restarted - restartStart)), all recorded \(seconds(recovered)) after the restart or the last effect, \(reconciled) step(s) reconciled from nodes so far"
    }

    static func kill(_ victim: Victim, platform: TestPlatform, env: TestEnvironment) async throws {
        switch victim {
        case .postgres:
            guard let restart = env.restartPostgres else { throw HarnessError("COXSWAIN_TEST_RESTART_POSTGRES is not set") }
            let r = try await runCommand("/bin/sh", ["-c", restart], timeout: .seconds(120))
            guard r.status == 0 else { throw HarnessError("PostgreSQL restart failed: \(r)") }
        case .rabbitmq:
            guard let restart = env.restartBroker else { throw HarnessError("COXSWAIN_TEST_RESTART_BROKER is not set") }
            let r = try await runCommand("/bin/sh", ["-c", restart], timeout: .seconds(120))
            guard r.status == 0 else { throw HarnessError("RabbitMQ restart failed: \(r)") }
        case .gateway:
            await platform.stop("gateway", signal: SIGKILL)
            try platform.startGateway()
            try await platform.waitForReady()
        case .scheduler:
            await platform.stop("scheduler-0", signal: SIGKILL)
            try platform.startScheduler(0)
        case .audit:
            await platform.stop("audit", signal: SIGKILL)
            try platform.startAudit()
        case .bootstrapper:
            await platform.stop("bootstrapper", signal: SIGKILL)
            try platform.startBootstrapper()
        case .deployer:
            await platform.stop("deployer-node-a", signal: SIGKILL)
            try platform.startDeployer("node-a")
        }
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.1f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}
