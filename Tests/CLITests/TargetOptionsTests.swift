import ArgumentParser
import CoxswainCLI
import CoxswainCore
import Testing

@Suite("CLI targeting flags")
struct TargetOptionsTests {
    /// The usage error `exec` reports for these arguments (exit code and message), or nil when they parse.
    func usageError(_ arguments: [String]) -> (code: Int32, message: String)? {
        do {
            _ = try CoxswainCommand.parseAsRoot(ArgumentOrder.normalize(arguments))
            return nil
        } catch {
            return (CoxswainCommand.exitCode(for: error).rawValue, CoxswainCommand.message(for: error))
        }
    }

    @Test("globs, comma lists, selectors and batch flags parse into the submission")
    func parses() throws {
        let parsed = try CoxswainCommand.parseAsRoot(
            ArgumentOrder.normalize([
                "exec", "--verb", "RUN", "uptime", "--target", "web-*", "--target", "db-1,db-2", "--target-label", "role=web,dc in (eu1,eu2)",
                "--target-label", "!canary", "--target-fact", "os=debian", "--batch", "25%", "--fail-fast", "--batch-wait", "5",
            ]))
        let exec = try #require(parsed as? ExecCommand)
        var request = SubmitJobRequest(verb: "RUN", arguments: "uptime")
        exec.targeting.apply(to: &request)
        #expect(request.targets == ["web-*", "db-1,db-2"])
        #expect(request.targetLabelSelectors == ["role=web,dc in (eu1,eu2)", "!canary"])
        #expect(request.targetFacts == ["os=debian"])
        #expect(request.targetLabels == nil)
        let selector = try exec.targeting.selector()
        #expect(selector.patterns == [.glob("web-*"), .exact("db-1"), .exact("db-2")])
        #expect(selector.labelSelectors.count == 2 && selector.factSelectors.count == 1)
    }

    @Test(
        "every targeting and batch usage error exits 64 before anything is sent",
        arguments: [
            (["exec", "--verb", "RUN", "x", "--target-label", "role=web,dc in (eu1,eu2"], "--target-label: expected ')' after 'eu2' at 24"),
            (["exec", "--verb", "RUN", "x", "--target", "web-[1"], "--target: expected ']' to close the '[' at 5 at 7"),
            (["exec", "--verb", "RUN", "x", "--target-fact", "os="], "--target-fact: expected a value after 'os=', found the end at 4"),
            (["exec", "--verb", "RUN", "x", "--fail-fast"], "--fail-fast goes with --batch"),
            (["exec", "--verb", "RUN", "x", "--batch", "2", "--batch-wait=-1"], "--batch-wait takes seconds from 0 to 3600"),
            (["exec", "--verb", "RUN", "x", "--batch", "2", "--batch-wait", "1e300"], "--batch-wait takes seconds from 0 to 3600"),
            (["exec", "--verb", "RUN", "x", "--batch-wait", "3"], "--batch-wait goes with --batch"),
            (["exec", "--verb", "RUN", "x", "--list-nodes", "--wait"], "--list-nodes submits nothing"),
            (["orchestrate", "site.yaml", "--target-label", "role in web"], "--target-label: expected '(' after 'in'"),
            (["orchestrate", "site.yaml", "--list-nodes", "--stream"], "--list-nodes submits nothing"),
        ])
    func usageErrors(_ arguments: [String], _ message: String) {
        let error = usageError(arguments)
        #expect(error?.code == 64, "\(arguments): \(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(arguments): \(String(describing: error))")
    }

    @Test("a selector value after --target-label or --target-fact stays its value")
    func argumentOrder() {
        #expect(
            ArgumentOrder.normalize(["exec", "--verb", "RUN", "--a b", "--target-fact", "x", "--batch-wait", "2"])
                == ["exec", "--verb", "RUN", "--target-fact", "x", "--batch-wait", "2", "--", "--a b"])
    }
}
