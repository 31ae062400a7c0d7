import Foundation
import Testing

@testable import CoxswainAMQP
@testable import CoxswainBrokerAdmin

@Suite("broker admin without a broker")
struct BrokerAdminUnitTests {
    // MARK: Regex escaping

    @Test("escaping backslashes every ASCII character but letters, digits and '_', and leaves other text alone")
    func escapeShape() {
        #expect(BrokerRegex.escape("web-1_eu_x") == #"web\-1_eu_x"#)
        #expect(BrokerRegex.escape("a{username}b") == #"a\{username\}b"#)
        #expect(BrokerRegex.escape(#"^$.*+?()[]|\/"#) == #"\^\$\.\*\+\?\(\)\[\]\|\\\/"#)
        #expect(BrokerRegex.escape("Zürich9") == "Zürich9")
        #expect(BrokerRegex.escape("") == "")
        #expect(BrokerRegex.exactly("coxswain.events") == #"^coxswain\.events$"#)
        #expect(BrokerRegex.prefix("node.a.") == #"^node\.a\."#)
    }

    @Test(
        "an escaped name matches itself and nothing that only a metacharacter would match",
        arguments: [
            "web-1_eu_x", "a.b", "a+b", "x|y", "(g)", "[ab]", "a?", "q*", "x{2}", #"back\slash"#, "^caret$", "all !\"#%&',/:;<=>@`~",
        ])
    func escapedPatternsAreLiteral(name: String) throws {
        // ICU and PCRE agree on escaped literals; the broker uses PCRE.
        let exact = try NSRegularExpression(pattern: BrokerRegex.exactly(name))
        func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        #expect(matches(exact, name))
        #expect(!matches(exact, name + "x"))
        #expect(!matches(exact, "x" + name))
        // Replace each punctuation character by a letter: an unescaped '.', '?', '*'… would still match.
        for index in name.indices where !name[index].isLetter && !name[index].isNumber {
            var variant = name
            variant.replaceSubrange(index...index, with: "Q")
            #expect(!matches(exact, variant), "pattern for \(name) matched \(variant)")
        }
        let prefix = try NSRegularExpression(pattern: BrokerRegex.prefix("node.\(name)."))
        #expect(matches(prefix, "node.\(name).result"))
        #expect(!matches(prefix, "node.\(name)Xresult"))
    }

    // MARK: Grant shape

    @Test("a node's permissions: configure nothing, write the events exchange, read its queue, topic write its prefix")
    func permissionShape() {
        let permissions = NodeBrokerPermissions(node: "web-1_eu_x", queue: "coxswain.node.web-1_eu_x", eventsExchange: "coxswain.events")
        #expect(
            permissions
                == NodeBrokerPermissions.expected(
                    user: "coxswain-node-web-1_eu_x", configure: "^$", write: #"^coxswain\.events$"#,
                    read: #"^coxswain\.node\.web\-1_eu_x$"#, topicExchange: "coxswain.events",
                    topicWrite: #"^node\.web\-1_eu_x\."#, topicRead: "^$"))
    }

    @Test("dotted node names are refused: node 'web' could otherwise publish as node 'web.1'")
    func dottedNamesRefused() {
        #expect(NodeBrokerPermissions.validate(node: "web.1") != nil)
    }

    @Test("node names follow NodeName's rule")
    func nodeNameValidation() {
        for valid in ["a", "web-1", "web_1-eu", "0node", String(repeating: "n", count: 63)] {
            #expect(NodeBrokerPermissions.validate(node: valid) == nil, "\(valid)")
        }
        for invalid in ["", "-a", ".a", "a.b", "_a", "Web", "a b", "a/b", "a#", "a*", "a{b}", "ä", String(repeating: "n", count: 64)] {
            #expect(NodeBrokerPermissions.validate(node: invalid) != nil, "\(invalid)")
        }
    }

    @Test("grantNode and revokeNode refuse invalid node names before sending anything")
    func invalidNodeNamesAreRefused() async throws {
        // Port 9 (discard) on loopback: nothing is sent because validation comes first.
        let configuration = BrokerAdminConfiguration(baseURL: "http://127.0.0.1:9", user: "admin", password: "pw", vhost: "v")
        try await BrokerAdmin.withBrokerAdmin(configuration: configuration, logger: .init(label: "test")) { admin in
            await #expect(throws: BrokerAdminError.self) { _ = try await admin.grantNode("Bad Name", queue: "q", eventsExchange: "e") }
            await #expect(throws: BrokerAdminError.self) { try await admin.revokeNode("a/b") }
        }
    }

    @Test("an unreachable API is a retriable error naming the request")
    func unreachable() async throws {
        var configuration = BrokerAdminConfiguration(baseURL: "http://127.0.0.1:1", user: "admin", password: "hunter2-secret", vhost: "v")
        configuration.requestTimeout = .seconds(2)
        try await BrokerAdmin.withBrokerAdmin(configuration: configuration, logger: .init(label: "test")) { admin in
            do {
                try await admin.ensureVhost()
                Issue.record("ensureVhost succeeded against a closed port")
            } catch let error as BrokerAdminError {
                guard case .unreachable(let reason) = error else { throw error }
                print("unreachable: \(error)")
                #expect(reason.hasPrefix("PUT /api/vhosts/v"))
                #expect(error.isRetriable)
                #expect(!"\(error)".contains("hunter2-secret"))
            }
        }
    }

    @Test("cancelling a call throws CancellationError")
    func cancellation() async throws {
        var configuration = BrokerAdminConfiguration(baseURL: "http://127.0.0.1:1", user: "admin", password: "pw", vhost: "v")
        configuration.requestTimeout = .seconds(30)
        try await BrokerAdmin.withBrokerAdmin(configuration: configuration, logger: .init(label: "test")) { admin in
            let call = Task { try await admin.ensureVhost() }
            try await Task.sleep(for: .milliseconds(200))
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
        }
    }

    // MARK: Passwords

    @Test("passwords are 32 random bytes as 43 characters of unpadded base64url, different every time")
    func passwords() {
        let passwords = (0..<50).map { _ in BrokerPassword.generate() }
        for password in passwords {
            #expect(password.count == 43)
            #expect(password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
        #expect(Set(passwords).count == passwords.count)
    }

    @Test("base64url agrees with Foundation's base64 for every length", arguments: 0..<8)
    func base64URL(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + 251) }
        let foundation = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(BrokerPassword.base64URL(bytes) == foundation)
    }

    @Test("a seeded generator gives the same password")
    func seededPassword() {
        var first = SplitMix(seed: 7)
        var second = SplitMix(seed: 7)
        #expect(BrokerPassword.generate(using: &first) == BrokerPassword.generate(using: &second))
    }

    // MARK: Management URL

    @Test("parses http://user:pass@host:port with percent-encoded credentials")
    func parsesManagementURL() throws {
        let configuration = try BrokerAdminConfiguration(managementURL: "http://coxswain:p%40ss%3Aw0rd@127.0.0.1:35722/", vhost: "coxswain")
        #expect(configuration.baseURL == "http://127.0.0.1:35722")
        #expect(configuration.user == "coxswain")
        #expect(configuration.password == "p@ss:w0rd")
        #expect(configuration.vhost == "coxswain")

        let unencoded = try BrokerAdminConfiguration(managementURL: "https://admin:a@b@broker.example:443/rabbitmq/?x=1#f", vhost: "/")
        #expect(unencoded.baseURL == "https://broker.example:443/rabbitmq")
        #expect(unencoded.password == "a@b")

        let ipv6 = try BrokerAdminConfiguration(managementURL: "http://u:p@[::1]:15672", vhost: "v")
        #expect(ipv6.baseURL == "http://[::1]:15672")
        let noPort = try BrokerAdminConfiguration(managementURL: "http://u:p@broker", vhost: "v")
        #expect(noPort.baseURL == "http://broker")
    }

    @Test(
        "refuses malformed management URLs without repeating the password",
        arguments: [
            "127.0.0.1:15672", "amqp://u:s3cr3tpw@h:1", "http://h:15672", "http://u@h:15672", "http://:s3cr3tpw@h:1",
            "http://u:@h:1", "http://u:s3cr3tpw@:1", "http://u:s3cr3tpw@h:0", "http://u:s3cr3tpw@h:99999", "http://u:s3cr3tpw@h:x1",
            "http://u:s3cr3tpw%zz@h:1", "http://u:s3cr3tpw@[::1:1", "http://u:s3cr3tpw@a b:1",
        ])
    func refusesBadURLs(url: String) {
        do {
            _ = try BrokerAdminConfiguration(managementURL: url, vhost: "v")
            Issue.record("accepted \(url)")
        } catch {
            #expect(!error.description.contains("s3cr3tpw"), "\(error)")
            #expect(!error.isRetriable)
        }
    }

    @Test("an empty vhost is refused")
    func emptyVhost() {
        #expect(throws: BrokerAdminError.self) { try BrokerAdminConfiguration(managementURL: "http://u:p@h:1", vhost: "") }
    }

    // MARK: Secrets stay out of text

    @Test("descriptions of configuration and grant redact passwords")
    func descriptionsRedact() throws {
        let configuration = try BrokerAdminConfiguration(managementURL: "http://coxswain:s3cr3tpw@127.0.0.1:35722", vhost: "coxswain")
        #expect("\(configuration)" == "http://coxswain:***@127.0.0.1:35722 vhost coxswain")
        #expect(!String(reflecting: configuration).contains("s3cr3tpw"))
        var dumpedConfiguration = ""
        dump(configuration, to: &dumpedConfiguration)
        #expect(!dumpedConfiguration.contains("s3cr3tpw"))

        let grant = NodeBrokerGrant(user: "coxswain-node-a", password: "n0depassw0rd", vhost: "coxswain", queue: "coxswain.node.a")
        #expect(!"\(grant)".contains("n0depassw0rd"))
        #expect(!String(reflecting: grant).contains("n0depassw0rd"))
        var dumped = ""
        dump(grant, to: &dumped)
        #expect(!dumped.contains("n0depassw0rd"))
        #expect("\(grant)".contains("coxswain-node-a"))
    }

    @Test("error descriptions say what to check and which errors are retriable")
    func errorDescriptions() {
        let cases: [(BrokerAdminError, Bool, String)] = [
            (.http(status: 401, reason: "GET /api/whoami: not_authorized: Login failed"), false, "check the management user and password"),
            (.http(status: 400, reason: "PUT /api/permissions/x/y: bad_request: vhost_or_user_not_found"), false, "rejected"),
            (.http(status: 404, reason: "x"), false, "vhost"),
            (.http(status: 503, reason: "x"), true, "retry"),
            (.http(status: 429, reason: "x"), true, "retry"),
            (.unreachable("connection refused"), true, "management plugin"),
            (.invalid("bad node name"), false, "bad node name"),
        ]
        for (error, retriable, advice) in cases {
            #expect(error.isRetriable == retriable, "\(error)")
            #expect(error.description.contains(advice), "\(error)")
        }
    }

    @Test("a grant's AMQP configuration and URL carry its credentials and vhost, the rest from the base")
    func grantAMQPConfiguration() throws {
        var base = try AMQPConfiguration(url: "amqp://coxswain:adminpw@127.0.0.1:25722/coxswain")
        base.heartbeat = .seconds(7)
        let grant = NodeBrokerGrant(user: "coxswain-node-a.b", password: "Ab-_9", vhost: "co/x", queue: "coxswain.node.a.b")
        let configuration = grant.amqpConfiguration(basedOn: base)
        #expect(configuration.user == "coxswain-node-a.b")
        #expect(configuration.password == "Ab-_9")
        #expect(configuration.vhost == "co/x")
        #expect(configuration.port == 25722 && configuration.heartbeat == .seconds(7))
        let url = grant.amqpURL(host: "127.0.0.1", port: 25722)
        #expect(url == "amqp://coxswain-node-a.b:Ab-_9@127.0.0.1:25722/co%2Fx")
        let parsed = try AMQPConfiguration(url: url)
        #expect(parsed.user == grant.user && parsed.password == grant.password && parsed.vhost == grant.vhost)
    }

    @Test("path segments are percent-encoded so the vhost '/' and connection names fit in one segment")
    func pathSegments() {
        #expect(PercentEncoding.encode("/") == "%2F")
        #expect(PercentEncoding.encode("127.0.0.1:5000 -> 127.0.0.1:5672") == "127.0.0.1%3A5000%20-%3E%20127.0.0.1%3A5672")
        #expect(PercentEncoding.encode("coxswain-node-web_1.eu~") == "coxswain-node-web_1.eu~")
        // Users are global to the broker, queues per vhost: another vhost gets other users.
        #expect(NodeBrokerPermissions.userName(node: "web-1") == "coxswain-node-web-1")
        #expect(NodeBrokerPermissions.userName(node: "web-1", vhost: "cx_ab12") == "coxswain-node-web-1~cx_ab12")
        #expect(NodeBrokerPermissions.userName(node: "web-1", vhost: "co/x.y") == "coxswain-node-web-1~co.2fx.2ey")
        #expect(
            PercentEncoding.encode(NodeBrokerPermissions.userName(node: "a", vhost: "co/x é")) == NodeBrokerPermissions.userName(node: "a", vhost: "co/x é"))
        #expect(PercentEncoding.decode(PercentEncoding.encode("ü@:/ x")[...]) == "ü@:/ x")
    }
}

extension NodeBrokerPermissions {
    /// Builds the expected value field by field (the initializer derives them).
    static func expected(
        user: String, configure: String, write: String, read: String, topicExchange: String, topicWrite: String, topicRead: String
    ) -> NodeBrokerPermissions {
        var permissions = NodeBrokerPermissions(node: "x", queue: "x", eventsExchange: "x")
        permissions.user = user
        permissions.configure = configure
        permissions.write = write
        permissions.read = read
        permissions.topicExchange = topicExchange
        permissions.topicWrite = topicWrite
        permissions.topicRead = topicRead
        return permissions
    }
}

/// A deterministic generator for tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
