import CoxswainCore
import Foundation
import SchedulerService
import Testing

@Suite("Step gates (QUERY, JOB_WAIT, REBOOT)")
struct StepGatesTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    func steps(_ verbs: [(String, String)]) -> [JobStep] { verbs.map { JobStep(verb: $0.0, arguments: $0.1) } }

    func task(_ node: String, _ seq: Int, _ status: TaskStatus, gate: Int? = nil, finished: Date? = nil, value: String? = nil) -> StepGates.TaskState {
        StepGates.TaskState(id: TaskID(), node: node, seq: seq, status: status, gate: gate, finishedAt: finished, queryValue: value)
    }

    @Test("steps after a waiting QUERY are held until every node's QUERY finished, then sent with the data")
    func query() {
        let gates = StepGates(steps: steps([("RUN", "true"), ("QUERY", "color"), ("RUN", "echo {{ query }}")]))
        #expect(gates.gateOf == [nil, nil, 2])
        let waiting = [
            task("a", 0, .succeeded), task("a", 1, .succeeded, value: "\"red\""), task("a", 2, .pending, gate: 2),
            task("b", 0, .succeeded), task("b", 1, .pending), task("b", 2, .pending, gate: 2),
        ]
        let early = gates.evaluate(waiting, facts: .init(dispatchedAt: t0, now: t0))
        #expect(early.release.isEmpty && early.deliver.isEmpty)
        var done = waiting
        done[4] = task("b", 1, .succeeded, value: "\"blue\"")
        let open = gates.evaluate(done, facts: .init(dispatchedAt: t0, now: t0))
        #expect(open.release["a"] == [done[2].id] && open.release["b"] == [done[5].id])
        #expect(open.deliver[1] == #"{"a":{"color":"red"},"b":{"color":"blue"}}"#)
    }

    @Test("a QUERY as the block's last step is still delivered; a failed QUERY skips that node's rest")
    func lastQueryAndFailure() {
        let last = StepGates(steps: steps([("QUERY", "x")]))
        let d = last.evaluate([task("a", 0, .succeeded, value: "1")], facts: .init(dispatchedAt: t0, now: t0))
        #expect(d.deliver[0] == #"{"a":{"x":1}}"#)
        let gates = StepGates(steps: steps([("QUERY", "x"), ("RUN", "true")]))
        let tasks = [task("a", 0, .failed), task("a", 1, .pending, gate: 1), task("b", 0, .succeeded, value: "2"), task("b", 1, .pending, gate: 1)]
        let decision = gates.evaluate(tasks, facts: .init(dispatchedAt: t0, now: t0))
        #expect(decision.fail[tasks[1].id]?.hasPrefix("skipped") == true)
        #expect(decision.release["b"] == [tasks[3].id])
    }

    @Test("JOB_WAIT opens when the job finished; its timeout counts from when the node reached it")
    func jobWait() {
        let gates = StepGates(steps: steps([("RUN", "sleep 900"), ("JOB_WAIT", "abcd --identity b --job-timeout 60"), ("RUN", "true")]))
        #expect(gates.gateOf == [nil, 1, 1])
        let reached = t0.addingTimeInterval(900)
        let tasks = [task("a", 0, .succeeded, finished: reached), task("a", 1, .pending, gate: 1), task("a", 2, .pending, gate: 1)]
        // 15 minutes after dispatch but 30 s after the step was reached: still waiting.
        let waiting = gates.evaluate(tasks, facts: .init(dispatchedAt: t0, now: reached.addingTimeInterval(30), jobWaitSatisfied: [1: false]))
        #expect(waiting.fail.isEmpty && waiting.release.isEmpty)
        let late = gates.evaluate(tasks, facts: .init(dispatchedAt: t0, now: reached.addingTimeInterval(61), jobWaitSatisfied: [1: false]))
        #expect(late.fail[tasks[1].id]?.hasPrefix("JOB_WAIT abcd") == true && late.fail[tasks[2].id]?.hasPrefix("skipped") == true)
        let open = gates.evaluate(tasks, facts: .init(dispatchedAt: t0, now: reached, jobWaitSatisfied: [1: true]))
        #expect(open.release["a"] == [tasks[1].id, tasks[2].id])
    }

    @Test("after REBOOT: the node waits for an agent started later; a node that did not reboot goes on")
    func reboot() {
        let gates = StepGates(steps: [JobStep(verb: "REBOOT", arguments: "1", assign: ["a"]), JobStep(verb: "RUN", arguments: "true")])
        let finished = t0.addingTimeInterval(5)
        let tasks = [task("a", 0, .succeeded, finished: finished), task("a", 1, .pending, gate: 1), task("b", 1, .pending, gate: 1)]
        let before = gates.evaluate(tasks, facts: .init(dispatchedAt: t0, now: finished, agentStartedAt: ["a": t0, "b": t0]))
        #expect(before.release["a"] == nil && before.release["b"] == [tasks[2].id])
        let after = gates.evaluate(tasks, facts: .init(dispatchedAt: t0, now: finished, agentStartedAt: ["a": finished.addingTimeInterval(20)]))
        #expect(after.release["a"] == [tasks[1].id])
        // Other jobs' work on a rebooting node (gate -1) waits while it reboots.
        let held = [task("a", 0, .pending, gate: -1)]
        #expect(StepGates(steps: steps([("RUN", "true")])).evaluate(held, facts: .init(dispatchedAt: t0, now: t0, rebooting: ["a"])).release.isEmpty)
        #expect(StepGates(steps: steps([("RUN", "true")])).evaluate(held, facts: .init(dispatchedAt: t0, now: t0)).release["a"] == [held[0].id])
    }
}
