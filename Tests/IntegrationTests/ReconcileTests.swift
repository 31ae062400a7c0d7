import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A task overdue without a recorded result is reconciled from its node before anything fails it:
/// a result lost on the way is recorded as it really was; a task the node never received fails
/// with a reason that says so.
@Suite("Reconciliation of lost results from nodes", .serialized, .enabled(if: TestEnvironment.enabled, "set COXSWAIN_INTEGRATION=1 (scripts/test.sh does)"))
struct ReconcileTests {
    func purge(_ p: TestPlatform, queue: String) async throws {
        try await p.management("DELETE", "/api/queues/\(p.vhost)/\(queue)/contents")
    }

    @Test("a result lost before it was recorded is asked from the node and recorded as it was", .timeLimit(.minutes(3)))
    func lostResultIsReconciled() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { p in
            let submitted = try await p.cli(["exec", "--verb", "RUN", "sleep 2; echo ran >> $TEST_MARK_DIR/$TEST_NODE; echo done", "--timeout", "3"])
            let job = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await eventually("dispatched") { try await p.sql("SELECT count(*) FROM tasks WHERE job_id = '\(job)' AND dispatched_at IS NOT NULL") == "1" }
            // The Scheduler goes away; the node finishes and reports; the report is lost.
            await p.stop("scheduler-0", signal: SIGKILL)
            try await eventually("the task ran") { p.marks("node-a") == ["ran"] }
            try await Task.sleep(for: .seconds(1))
            try await purge(p, queue: "coxswain.scheduler.results")
            try p.startScheduler(0)
            // After its timeout (3 s) plus the grace (5 s) the Scheduler asks the node, which reports it again.
            try await eventually("reconciled and recorded", timeout: .seconds(40)) {
                try await p.sql("SELECT status FROM tasks WHERE job_id = '\(job)'") == "succeeded"
            }
            #expect(try await p.sql("SELECT stdout FROM tasks WHERE job_id = '\(job)'") == "done")
            #expect(try await p.sql("SELECT count(*) FROM tasks WHERE job_id = '\(job)' AND reconcile_requested_at IS NOT NULL") == "1")
            #expect(p.marks("node-a") == ["ran"], "the task ran again")
            #expect(try await p.sql("SELECT status FROM jobs WHERE id = '\(job)'") == "succeeded")
        }
    }

    @Test("a task its node never received fails saying so, and a late delivery does not run it", .timeLimit(.minutes(3)))
    func neverReceivedFailsWithReason() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: false) { p in
            // The node's agent is down while its batch is dispatched, and the batch is lost from its queue.
            await p.stop("deployer-node-a", signal: SIGKILL)
            let submitted = try await p.cli(["exec", "--verb", "RUN", "echo ran >> $TEST_MARK_DIR/$TEST_NODE", "--target", "node-a", "--timeout", "2"])
            let job = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await eventually("dispatched") { try await p.sql("SELECT count(*) FROM tasks WHERE job_id = '\(job)' AND dispatched_at IS NOT NULL") == "1" }
            try await Task.sleep(for: .milliseconds(500))
            try await purge(p, queue: "coxswain.node.node-a")
            try p.startDeployer("node-a")
            try await eventually("failed with the node's answer", timeout: .seconds(40)) {
                try await p.sql("SELECT status FROM tasks WHERE job_id = '\(job)'") != "pending"
            }
            let error = try await p.sql("SELECT status || ': ' || coalesce(error, '') FROM tasks WHERE job_id = '\(job)'")
            #expect(error.contains("never received"), "\(error)")
            #expect(p.marks("node-a").isEmpty)
        }
    }
}
