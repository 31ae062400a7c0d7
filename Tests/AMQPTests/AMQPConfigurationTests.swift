import Testing

@testable import CoxswainAMQP

@Suite("AMQP URL parsing")
struct AMQPConfigurationTests {
    @Test("a full URL gives every part, percent-decoded")
    func fullURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://coxswain:p%40ss%2Fw0rd@broker.example:25712/coxswain")
        #expect(configuration.host == "broker.example")
        #expect(configuration.port == 25712)
        #expect(configuration.vhost == "coxswain")
        #expect(configuration.user == "coxswain")
        #expect(configuration.password == "p@ss/w0rd")
        #expect(configuration.heartbeat == .seconds(10))
        #expect(configuration.connectionName == "coxswain")
        #expect(configuration.reconnectBackoffInitial == .milliseconds(100))
        #expect(configuration.reconnectBackoffMax == .seconds(5))
    }

    @Test("an empty or missing path means vhost /, a missing port means 5672")
    func defaults() throws {
        for url in ["amqp://u:p@localhost", "amqp://u:p@localhost/", "amqp://u:p@localhost/%2F", "amqp://u:p@localhost/%2f"] {
            let configuration = try AMQPConfiguration(url: url)
            #expect(configuration.vhost == "/", "\(url)")
            #expect(configuration.port == 5672, "\(url)")
            #expect(configuration.host == "localhost")
        }
    }

    @Test("missing credentials mean guest/guest, a user without password gets an empty one")
    func credentials() throws {
        let anonymous = try AMQPConfiguration(url: "amqp://rabbit:5673")
        #expect(anonymous.user == "guest" && anonymous.password == "guest" && anonymous.port == 5673)
        let noPassword = try AMQPConfiguration(url: "amqp://alice@rabbit")
        #expect(noPassword.user == "alice" && noPassword.password == "")
        let atInPassword = try AMQPConfiguration(url: "amqp://bob:a@b@rabbit/v")
        #expect(atInPassword.password == "a@b" && atInPassword.host == "rabbit")
    }

    @Test("IPv6 literals, upper-case scheme and query parameters")
    func ipv6AndQuery() throws {
        let configuration = try AMQPConfiguration(url: "AMQP://u:p@[::1]:5680/vh?heartbeat=30&connection_name=sched%201&connection_timeout=1500&x=y")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 5680)
        #expect(configuration.vhost == "vh")
        #expect(configuration.heartbeat == .seconds(30))
        #expect(configuration.connectionName == "sched 1")
        #expect(configuration.connectTimeout == .milliseconds(1500))
    }

    @Test("init from parts equals the parsed URL")
    func parts() throws {
        let parsed = try AMQPConfiguration(url: "amqp://coxswain:devpass@127.0.0.1:25712/coxswain")
        let built = AMQPConfiguration(host: "127.0.0.1", port: 25712, vhost: "coxswain", user: "coxswain", password: "devpass")
        #expect(parsed == built)
    }

    @Test(
        "bad URLs throw invalidURL without the password",
        arguments: [
            "http://u:s3cr3tpw@host/",
            "amqps://u:s3cr3tpw@host/",
            "u:s3cr3tpw@host",
            "amqp://u:s3cr3tpw@/vhost",
            "amqp://u:s3cr3tpw@host:0/",
            "amqp://u:s3cr3tpw@host:99999/",
            "amqp://u:s3cr3tpw@host:abc/",
            "amqp://u:s3cr3tpw@host:/",
            "amqp://u:s3cr3tpw%zz@host/",
            "amqp://u:s3cr3tpw@host/a/b",
            "amqp://u:s3cr3tpw@[::1/",
            "amqp://:s3cr3tpw@host/",
            "amqp://u:s3cr3tpw@host/?heartbeat=-1",
        ])
    func badURL(_ url: String) throws {
        let error = #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url) }
        guard case .invalidURL(let reason)? = error else {
            Issue.record("expected invalidURL, got \(String(describing: error))")
            return
        }
        #expect(!reason.isEmpty)
        #expect(!"\(error!)".contains("s3cr3tpw"))
        #expect(error?.isRetriable == false)
    }

    @Test("description redacts the password")
    func description() throws {
        let configuration = try AMQPConfiguration(url: "amqp://coxswain:devpass@127.0.0.1:25712/coxswain")
        #expect("\(configuration)" == "amqp://coxswain:***@127.0.0.1:25712/coxswain")
        #expect(!"\(configuration)".contains("devpass"))
    }
}
