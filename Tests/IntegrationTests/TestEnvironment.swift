import Foundation

/// What `scripts/test.sh` exports for integration tests: where the real PostgreSQL and RabbitMQ
/// it started are, and where the built executables live.
struct TestEnvironment {
    let databaseURL: URLComponents
    let amqpURL: URLComponents
    let managementURL: URLComponents
    let binDirectory: String
    let runDirectory: String
    let restartBroker: String?
    let restartPostgres: String?

    static let enabled = ProcessInfo.processInfo.environment["COXSWAIN_INTEGRATION"] == "1"

    static func load() throws -> TestEnvironment {
        let env = ProcessInfo.processInfo.environment
        func url(_ key: String) throws -> URLComponents {
            guard let raw = env[key], let c = URLComponents(string: raw) else { throw HarnessError("\(key) is not set; run the suite with scripts/test.sh") }
            return c
        }
        guard let bin = env["COXSWAIN_BIN_DIR"], let run = env["COXSWAIN_TEST_RUN_DIR"] else {
            throw HarnessError("COXSWAIN_BIN_DIR / COXSWAIN_TEST_RUN_DIR not set; run the suite with scripts/test.sh")
        }
        return TestEnvironment(
            databaseURL: try url("COXSWAIN_DATABASE_URL"), amqpURL: try url("COXSWAIN_AMQP_URL"),
            managementURL: try url("COXSWAIN_AMQP_MANAGEMENT_URL"), binDirectory: bin, runDirectory: run,
            restartBroker: env["COXSWAIN_TEST_RESTART_BROKER"], restartPostgres: env["COXSWAIN_TEST_RESTART_POSTGRES"]
        )
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
