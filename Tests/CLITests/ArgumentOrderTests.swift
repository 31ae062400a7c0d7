import CoxswainCLI
import Testing

@Suite("CLI argument order")
struct ArgumentOrderTests {
    @Test("connection options before the subcommand move after it")
    func movesLeadingOptions() {
        #expect(ArgumentOrder.normalize(["--url", "http://h:1", "exec", "--verb", "RUN", "x"]) == ["exec", "--verb", "RUN", "x", "--url", "http://h:1"])
        #expect(ArgumentOrder.normalize(["--socket=/s", "-o", "json", "manage", "--list-nodes"]) == ["manage", "--list-nodes", "--socket=/s", "-o", "json"])
        #expect(ArgumentOrder.normalize(["--socket", "/s", "node", "add", "n1"]) == ["node", "add", "n1", "--socket", "/s"])
        #expect(ArgumentOrder.normalize(["--team", "t", "exec", "--verb", "RUN", "--", "-x"]) == ["exec", "--verb", "RUN", "--team", "t", "--", "-x"])
    }

    @Test("a dash-word with a space is a positional value, as in argparse")
    func dashWords() {
        #expect(
            ArgumentOrder.normalize(["exec", "--verb", "RUN", "--skip-cache echo hi", "--wait"]) == [
                "exec", "--verb", "RUN", "--wait", "--", "--skip-cache echo hi",
            ])
        #expect(ArgumentOrder.normalize(["exec", "--verb", "WAIT", "--seconds 1"]) == ["exec", "--verb", "WAIT", "--", "--seconds 1"])
        #expect(ArgumentOrder.normalize(["exec", "--verb", "RUN", "echo", "--x y", "--wait"]) == ["exec", "--verb", "RUN", "echo", "--wait", "--", "--x y"])
        #expect(
            ArgumentOrder.normalize(["exec", "--verb", "RUN", "--a b", "--target", "n1", "--wait"]) == [
                "exec", "--verb", "RUN", "--target", "n1", "--wait", "--", "--a b",
            ])
        #expect(ArgumentOrder.normalize(["exec", "--verb", "RUN", "echo hi", "--wait"]) == ["exec", "--verb", "RUN", "echo hi", "--wait"])
        #expect(ArgumentOrder.normalize(["exec", "--verb", "RUN", "--exec-help"]) == ["exec", "--verb", "RUN", "--", "--exec-help"])
    }

    @Test("everything else is left alone")
    func leavesOthers() {
        #expect(ArgumentOrder.normalize(["exec", "--url", "u", "--verb", "ECHO", "hi"]) == ["exec", "--url", "u", "--verb", "ECHO", "hi"])
        #expect(ArgumentOrder.normalize(["--help"]) == ["--help"])
        #expect(ArgumentOrder.normalize(["--url", "u"]) == ["--url", "u"])
    }
}
