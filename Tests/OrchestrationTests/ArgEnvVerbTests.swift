import CoxswainOrchestration
import Testing

@Suite("ARG and ENV values")
struct ArgEnvVerbTests {
    @Test(
        "reads a literal VALUE as a value and anything else as text",
        arguments: [
            ("argument", YAMLValue.string("argument")),
            ("['test']", .list([.string("test")])),
            ("[80, 443]", .list([.int(80), .int(443)])),
            (#"{"a": "b"}"#, .map(["a": .string("b")])),
            ("{'a': 1, 'b': [True, None, 2.5, yes]}", .map(["a": .int(1), "b": .list([.bool(true), .null, .double(2.5), .string("yes")])])),
            ("1", .int(1)),
            ("-7", .int(-7)),
            ("1.2", .double(1.2)),
            ("1e3", .double(1000)),
            ("true", .bool(true)),
            ("False", .bool(false)),
            ("null", .null),
            (#""/usr/bin/mono /opt/Sonarr.exe""#, .string("/usr/bin/mono /opt/Sonarr.exe")),
            ("'quoted'", .string("quoted")),
            ("0755", .string("0755")),
            ("0.0.0.0", .string("0.0.0.0")),
            ("yes", .string("yes")),
            ("motd: hello", .string("motd: hello")),
            ("#fff", .string("#fff")),
            ("[unclosed", .string("[unclosed")),
            ("hello   spaced   world", .string("hello   spaced   world")),
            ("{{ other_arg }}", .string("{{ other_arg }}")),
        ])
    func literalValues(text: String, expected: YAMLValue) throws {
        #expect(try parseJob("ARG", "key \(text)").0 == .arg(key: "key", value: expected, extend: false))
        #expect(try parseJob("ENV", "KEY \(text)").0 == .env(key: "KEY", value: expected, extend: false))
    }

    @Test("reads a folded value with its trailing line break (Directord's functional test)")
    func foldedValue() throws {
        let (call, _) = try parseJob("ARG", "test_runtime_complex_arg_dict {\"a\": \"b\"}\n")
        #expect(call == .arg(key: "test_runtime_complex_arg_dict", value: .map(["a": .string("b")]), extend: false))
    }

    @Test("reads --extend-args before KEY, inline or from vars")
    func extendArgs() throws {
        #expect(try parseJob("ARG", "--extend-args hosts [a, b]").0 == .arg(key: "hosts", value: .list([.string("a"), .string("b")]), extend: true))
        #expect(try parseJob("ENV", "--skip-cache PATH /bin").0 == .env(key: "PATH", value: .string("/bin"), extend: false))
        #expect(try parseJob("ENV", "PATH /bin", vars: ["extend_args": .bool(true)]).0 == .env(key: "PATH", value: .string("/bin"), extend: true))
    }

    @Test("refuses a KEY without VALUE and an unknown option")
    func errors() {
        #expect(badOptionMessage("ARG", "lonely") == "needs a VALUE after KEY 'lonely'")
        #expect(badOptionMessage("ENV", "") == "needs KEY VALUE")
        #expect(badOptionMessage("ARG", "--extend key value")?.hasPrefix("unknown option --extend; ARG takes --exec-help") == true)
    }
}
