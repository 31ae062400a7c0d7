import CoxswainOrchestration
import Testing

@Suite("RUN and the options every verb shares")
struct RunVerbTests {
    @Test("keeps the command exactly as written, quotes and spacing included")
    func verbatimCommand() throws {
        let (call, options) = try parseJob("RUN", #"echo  "a  b"   'c d' | tee /tmp/x  "#)
        #expect(call == .run(command: #"echo  "a  b"   'c d' | tee /tmp/x  "#, noBlock: false))
        #expect(options == JobOptions(retry: 1))
    }

    @Test("keeps a multi-line script as written")
    func multiLineScript() throws {
        let script = "if systemctl is-active firewalld; then\n  firewall-cmd --reload\nfi"
        let (call, _) = try parseJob("RUN", script)
        #expect(call == .run(command: script, noBlock: false))
    }

    @Test(
        "reads the shared options written '--flag value' and '--flag=value'",
        arguments: [
            "--skip-cache --run-once --timeout 30 --force-lock --stdout-arg out --stderr-arg err echo hi",
            "--skip-cache --run-once --timeout=30 --force-lock --stdout-arg=out --stderr-arg=err echo hi",
        ])
    func sharedOptions(arguments: String) throws {
        let (call, options) = try parseJob("RUN", arguments)
        #expect(call == .run(command: "echo hi", noBlock: false))
        #expect(
            options
                == JobOptions(skipCache: true, runOnce: true, timeout: 30, stdoutArg: "out", stderrArg: "err", forceLock: true, retry: 1))
    }

    @Test("reads --no-block and --retry in both forms", arguments: ["--no-block --retry 3 make", "--no-block --retry=3 make"])
    func runOptions(arguments: String) throws {
        let (call, options) = try parseJob("RUN", arguments)
        #expect(call == .run(command: "make", noBlock: true))
        #expect(options.retry == 3)
    }

    @Test("leaves an option that follows the command to the command (curl's --retry is curl's)")
    func optionsOnlyBeforeCommand() throws {
        let (call, options) = try parseJob("RUN", "curl --retry 5 --timeout 3 https://example.com")
        #expect(call == .run(command: "curl --retry 5 --timeout 3 https://example.com", noBlock: false))
        #expect(options.retry == 1)
        #expect(options.timeout == 600)

        let (both, bothOptions) = try parseJob("RUN", "--retry 2 curl --retry 5 https://example.com")
        #expect(both == .run(command: "curl --retry 5 https://example.com", noBlock: false))
        #expect(bothOptions.retry == 2)
    }

    @Test("starts the command at an unknown --flag instead of failing")
    func unknownFlagStartsCommand() throws {
        let (call, options) = try parseJob("RUN", "--skip-cache --frobnicate now")
        #expect(call == .run(command: "--frobnicate now", noBlock: false))
        #expect(options.skipCache)
    }

    @Test("ends the options at '--'")
    func doubleDash() throws {
        let (call, options) = try parseJob("RUN", "--run-once -- --skip-cache is the command")
        #expect(call == .run(command: "--skip-cache is the command", noBlock: false))
        #expect(options.runOnce && !options.skipCache)
    }

    @Test("starts the command at a word with an unbalanced quote")
    func unbalancedQuote() throws {
        #expect(try parseJob("RUN", "--skip-cache it's-a-word").0 == .run(command: "it's-a-word", noBlock: false))
    }

    @Test("accepts a fractional timeout")
    func fractionalTimeout() throws {
        #expect(try parseJob("RUN", "--timeout 2.5 true").1.timeout == 2.5)
    }

    @Test("matches the verb without regard to case and reports it in upper case")
    func verbCase() throws {
        #expect(try parseJob("run", "true").0 == .run(command: "true", noBlock: false))
        #expect(VerbParser.verbs.contains("RUN"))
    }

    @Test("refuses a command-less RUN")
    func missingCommand() {
        #expect(badOptionMessage("RUN", "--skip-cache")?.contains("needs a COMMAND") == true)
        #expect(badOptionMessage("RUN", "   ")?.contains("needs a COMMAND") == true)
    }

    @Test("says which option is wrong and why")
    func badValues() {
        #expect(badOptionMessage("RUN", "--timeout abc echo") == "--timeout 'abc' is not a number of seconds")
        #expect(badOptionMessage("RUN", "--timeout=0 echo") == "--timeout must be more than 0 seconds, got 0")
        #expect(badOptionMessage("RUN", "--timeout") == "--timeout needs a value (SECONDS)")
        #expect(badOptionMessage("RUN", "--stdout-arg --skip-cache echo") == "--stdout-arg needs a value (NAME), but the next word is --skip-cache")
        #expect(badOptionMessage("RUN", "--skip-cache=yes echo") == "--skip-cache takes no value (got 'yes')")
        #expect(badOptionMessage("RUN", "--retry 0 echo") == "--retry must be at least 1, got 0")
        #expect(badOptionMessage("RUN", "--retry x echo") == "--retry 'x' is not a whole number")
    }

    @Test("locates a bad option at the job")
    func badOptionLocation() throws {
        let error = try #require(jobFailure("RUN", "--timeout abc echo"))
        #expect(error == .badOption(jobLocation, verb: "RUN", "--timeout 'abc' is not a number of seconds"))
        #expect(
            error.description
                == "site.yaml:7 (block 2 'install', job 3): RUN: --timeout 'abc' is not a number of seconds; see 'RUN --exec-help'")
        #expect(!error.isRetriable)
    }

    @Test("lists the known verbs for an unknown one")
    func unknownVerb() throws {
        let error = try #require(jobFailure("RUNN", "echo"))
        #expect(error == .unknownVerb(jobLocation, "RUNN", known: VerbParser.verbs))
        #expect(error.description.contains("unknown verb 'RUNN'; known verbs: RUN, ARG, ENV, ADD, COPY"))
    }

    @Test("turns --exec-help into a help request without checking operands")
    func execHelp() throws {
        let (call, options) = try parseJob("ADD", "--exec-help")
        #expect(call == .execHelp(verb: "ADD"))
        #expect(options.execHelp)
        #expect(try parseJob("RUN", "", vars: ["exec_help": .bool(true)]).0 == .execHelp(verb: "RUN"))
    }

    @Test("writes help listing usage and every option")
    func helpText() {
        let help = VerbParser.help(verb: "run")
        #expect(help.hasPrefix("usage: RUN [--exec-help] [--skip-cache] [--run-once] [--timeout SECONDS]"))
        #expect(help.contains("  --no-block"))
        #expect(help.contains("--stdout-arg NAME"))
        #expect(VerbParser.help(verb: "QUERY_WAIT").contains("--identity NODE …"))
        #expect(VerbParser.help(verb: "nope").hasPrefix("unknown verb 'nope'; known verbs: RUN"))
        for verb in VerbParser.verbs { #expect(VerbParser.help(verb: verb).hasPrefix("usage: \(verb)")) }
    }
}
