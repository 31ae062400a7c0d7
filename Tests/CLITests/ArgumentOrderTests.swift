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

    @Test("everything else is left alone")
    func leavesOthers() {
        #expect(ArgumentOrder.normalize(["exec", "--url", "u", "--verb", "ECHO", "hi"]) == ["exec", "--url", "u", "--verb", "ECHO", "hi"])
        #expect(ArgumentOrder.normalize(["--help"]) == ["--help"])
        #expect(ArgumentOrder.normalize(["--url", "u"]) == ["--url", "u"])
    }
}
