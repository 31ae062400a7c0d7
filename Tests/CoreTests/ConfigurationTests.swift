import CoxswainConfig
import Foundation
import Testing

@Suite("Configuration precedence and validation")
struct ConfigurationTests {
    func writeFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "coxswain-config-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("flag beats environment beats file beats default")
    func precedence() async throws {
        let file = try writeFile("gateway:\n  http_port: 1111\n  http_host: 10.0.0.1\n  max_request_bytes: 4096\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let reader = try await ConfigReaderStack(
            flags: ["gateway.http_port": "3333"],
            environment: ["COXSWAIN_GATEWAY_HTTP_PORT": "2222", "COXSWAIN_GATEWAY_HTTP_HOST": "127.0.0.2"],
            configFile: file
        )
        #expect(try reader.int("gateway.http_port", default: 8080, range: 0...65535) == 3333)
        #expect(reader.string("gateway.http_host") == "127.0.0.2")
        #expect(try reader.int("gateway.max_request_bytes", default: 1, range: 1...100_000) == 4096)
        #expect(try reader.int("gateway.other", default: 7, range: 0...10) == 7)
    }

    @Test("a wrong value names the key and its environment variable")
    func invalidValueNamesKey() async throws {
        let reader = try await ConfigReaderStack(flags: [:], environment: ["COXSWAIN_GATEWAY_HTTP_PORT": "eighty"], configFile: nil)
        do {
            _ = try reader.int("gateway.http_port", default: 8080, range: 0...65535)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("gateway.http_port"))
            #expect(error.description.contains("COXSWAIN_GATEWAY_HTTP_PORT"))
        }
    }

    @Test("a missing required key is reported by name")
    func missingKey() async throws {
        let reader = try await ConfigReaderStack(flags: [:], environment: [:], configFile: nil)
        #expect(throws: ConfigError.missing(key: "amqp.url")) { _ = try CommonConfiguration(reader, needsDatabase: false) }
    }

    @Test("a malformed config file names the file")
    func malformedFile() async throws {
        let file = try writeFile("gateway: [unclosed\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            _ = try await ConfigReaderStack(flags: [:], environment: [:], configFile: file)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(file))
        }
    }

    @Test("durations take seconds or units", arguments: [("5", 5_000), ("0.5", 500), ("250ms", 250), ("2m", 120_000), ("1h", 3_600_000)])
    func durations(_ text: String, _ millis: Int64) {
        #expect(ConfigReaderStack.parseDuration(text) == .milliseconds(millis))
    }

    @Test("database URLs are parsed and never echo the password on error")
    func databaseURL() throws {
        let url = try DatabaseURL("postgres://cx:s3cr%40t@127.0.0.1:25432/coxswain")
        #expect(url.host == "127.0.0.1" && url.port == 25432 && url.user == "cx" && url.password == "s3cr@t" && url.database == "coxswain")
        do {
            _ = try DatabaseURL("postgres://cx:hunter2@127.0.0.1:25432/")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}

@Suite("Durations from configuration are bounded")
struct DurationBoundsTests {
    @Test(
        "durations beyond 100 years, negative or not finite are invalid (never a trap)",
        arguments: ["1e16", "9223372036854776s", "3000000000000h", "-1s", "inf", "nan", "1e300ms"])
    func refused(text: String) {
        #expect(ConfigReaderStack.parseDuration(text) == nil)
    }

    @Test("days are a unit")
    func days() {
        #expect(ConfigReaderStack.parseDuration("2d") == .seconds(172_800))
    }
}
