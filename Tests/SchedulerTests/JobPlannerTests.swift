import CoxswainCore
import SchedulerService
import Testing

@Suite("Job planner")
struct JobPlannerTests {
    let planner = JobPlanner()

    func node(_ name: String, online: Bool = true) throws -> JobPlanner.Candidate {
        JobPlanner.Candidate(name: try NodeName(validating: name), online: online)
    }

    @Test("no targets means every online node, in name order")
    func allOnline() throws {
        let decision = planner.plan(targets: [], nodes: [try node("b"), try node("a"), try node("c", online: false)])
        guard case .dispatch(let tasks) = decision else {
            Issue.record("expected dispatch")
            return
        }
        #expect(tasks.map(\.node.rawValue) == ["a", "b"])
        #expect(tasks.allSatisfy { $0.status == .pending })
    }

    @Test("no online node rejects the job")
    func noneOnline() throws {
        #expect(planner.plan(targets: [], nodes: [try node("a", online: false)]) == .reject("no online nodes to run on"))
    }

    @Test("an unknown target rejects the whole job and names it")
    func unknownTarget() throws {
        let decision = planner.plan(targets: ["a", "ghost", "phantom"], nodes: [try node("a")])
        #expect(decision == .reject("unknown targets: ghost, phantom"))
    }

    @Test("an offline target fails at once instead of waiting for a timeout; duplicates collapse")
    func offlineTarget() throws {
        let decision = planner.plan(targets: ["a", "b", "a"], nodes: [try node("a"), try node("b", online: false)])
        guard case .dispatch(let tasks) = decision else {
            Issue.record("expected dispatch")
            return
        }
        #expect(tasks.map(\.node.rawValue) == ["a", "b"])
        #expect(tasks[0].status == .pending)
        #expect(tasks[1].status == .failed)
        #expect(tasks[1].error == "node b is offline")
    }
}
