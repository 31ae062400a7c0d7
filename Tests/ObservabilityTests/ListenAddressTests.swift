import CoxswainConfig
import Testing

@Suite("metrics.listen: host:port parsing and validation")
struct ListenAddressTests {
    @Test(
        "host:port forms are accepted",
        arguments: [
            ("0.0.0.0:9090", "0.0.0.0", 9090), ("127.0.0.1:36200", "127.0.0.1", 36200), ("localhost:1", "localhost", 1),
            ("[::1]:9090", "::1", 9090), ("metrics.internal:65535", "metrics.internal", 65535),
        ])
    func accepted(_ text: String, _ host: String, _ port: Int) {
        #expect(ListenAddress(parsing: text) == ListenAddress(host: host, port: port))
    }

    @Test(
        "malformed addresses are refused",
        arguments: ["9090", ":9090", "host:", "host:0", "host:65536", "host:-1", "::1:9090", "[::1]9090", "a b:80", "host:９０"])
    func refused(_ text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test("unset means off; off and none also turn it off")
    func offByDefault() async throws {
        let unset = try await ConfigReaderStack(flags: [:], environment: [:], configFile: nil)
        #expect(try CommonConfiguration(unset, needsDatabase: false, needsBroker: false).metricsListen == nil)
        let off = try await ConfigReaderStack(flags: [:], environment: ["COXSWAIN_METRICS_LISTEN": "off"], configFile: nil)
        #expect(try CommonConfiguration(off, needsDatabase: false, needsBroker: false).metricsListen == nil)
    }

    @Test("the environment sets it and a flag beats the environment")
    func precedence() async throws {
        let env = try await ConfigReaderStack(flags: [:], environment: ["COXSWAIN_METRICS_LISTEN": "0.0.0.0:9090"], configFile: nil)
        #expect(try CommonConfiguration(env, needsDatabase: false, needsBroker: false).metricsListen == ListenAddress(host: "0.0.0.0", port: 9090))
        let flag = try await ConfigReaderStack(
            flags: ["metrics.listen": "127.0.0.1:36201"], environment: ["COXSWAIN_METRICS_LISTEN": "0.0.0.0:9090"], configFile: nil)
        #expect(try CommonConfiguration(flag, needsDatabase: false, needsBroker: false).metricsListen == ListenAddress(host: "127.0.0.1", port: 36201))
    }

    @Test("an invalid value stops the process naming the key and its variable")
    func invalidNamesKey() async throws {
        let reader = try await ConfigReaderStack(flags: [:], environment: ["COXSWAIN_METRICS_LISTEN": "9090"], configFile: nil)
        do {
            _ = try CommonConfiguration(reader, needsDatabase: false, needsBroker: false)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("metrics.listen"))
            #expect(error.description.contains("COXSWAIN_METRICS_LISTEN"))
        }
    }

    @Test("--metrics-listen maps to the key")
    func flag() throws {
        let options = try ServiceOptions.parse(["--metrics-listen", "127.0.0.1:36202"])
        #expect(try options.flags()["metrics.listen"] == "127.0.0.1:36202")
    }
}
