import CoxswainCLI
import Testing

@Suite("CLI argument order")
struct ArgumentOrderTests {
    @Test("connection options before the subcommand move after it")
    func movesLeadingOptions() {
        #expect(ArgumentOrder.normalize(["--url", "http://h:1", "exec", "--verb", "RUN", "x"]) == ["exec", "--url", "http://h:1", "--verb", "RUN", "x"])
        #expect(ArgumentOrder.normalize(["--socket=/s", "-o", "json", "manage", "--list-nodes"]) == ["manage", "--socket=/s", "-o", "json", "--list-nodes"])
    }

    @Test("everything else is left alone")
    func leavesOthers() {
        #expect(ArgumentOrder.normalize(["exec", "--url", "u", "--verb", "ECHO", "hi"]) == ["exec", "--url", "u", "--verb", "ECHO", "hi"])
        #expect(ArgumentOrder.normalize(["--help"]) == ["--help"])
        #expect(ArgumentOrder.normalize(["--url", "u"]) == ["--url", "u"])
    }
}
