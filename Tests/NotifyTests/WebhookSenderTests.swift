import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import CoxswainNotify

/// Real deliveries against ``ScriptedHTTPServer`` on 127.0.0.1 (so with
/// `notifications.allow_private_targets`, except where a test says otherwise).
@Suite("webhook sender over HTTP", .timeLimit(.minutes(1)))
struct WebhookSenderTests {
    static let body = Array(#"{"text":"hello"}"#.utf8)

    /// Runs `test` with a sender that is shut down afterwards.
    func withSender<Result>(
        timeout: Duration = .seconds(5), allowPrivateTargets: Bool = true,
        logger: Logger = Logger(label: "notify-tests") { _ in SwiftLogNoOpLogHandler() },
        _ test: (WebhookSender) async throws -> Result
    ) async throws -> Result {
        let sender = WebhookSender(timeout: timeout, policy: WebhookTargetPolicy(allowPrivateTargets: allowPrivateTargets), logger: logger)
        do {
            let result = try await test(sender)
            await sender.shutdown()
            return result
        } catch {
            await sender.shutdown()
            throw error
        }
    }

    @Test("500 and 503 are retriable, then 200 is delivered; headers and body arrive")
    func scriptedSequence() async throws {
        try await ScriptedHTTPServer.with([.init(status: 500), .init(status: 503, body: "maintenance"), .init(status: 200)]) { server in
            try await withSender { sender in
                let url = server.baseURL + "/hooks/abc"
                var outcomes: [DeliveryOutcome] = []
                for _ in 0..<3 {
                    outcomes.append(await sender.deliver(url: url, body: Self.body, eventType: "job.failed", eventID: "msg-42"))
                }
                #expect(outcomes.map(\.delivered) == [false, false, true])
                #expect(outcomes.map(\.retriable) == [true, true, false])
                #expect(outcomes.map(\.statusCode) == [500, 503, 200])
                #expect(outcomes[2] == DeliveryOutcome(delivered: true, statusCode: 200, error: nil, retriable: false))
                #expect(outcomes[1].error == "HTTP 503; the receiver failed; retrying later", "the answer's body is not kept")

                let requests = server.requests
                #expect(requests.count == 3)
                for request in requests {
                    #expect(request.method == "POST")
                    #expect(request.uri == "/hooks/abc")
                    #expect(request.body == Self.body)
                    #expect(request.headers["Content-Type"] == ["application/json"])
                    #expect(request.headers["X-Coxswain-Event"] == ["job.failed"])
                    #expect(request.headers["X-Coxswain-Delivery"] == ["msg-42"])
                    #expect(request.headers["User-Agent"] == ["coxswain/0.1.0"])
                    #expect(request.headers["Content-Length"] == ["\(Self.body.count)"])
                    #expect(request.headers["Authorization"].isEmpty)
                }
            }
        }
    }

    @Test("a rendered payload arrives byte for byte")
    func payloadArrives() async throws {
        let event = NotificationEvent(
            id: "m-1", team: "acme", type: "node.offline", time: Date(timeIntervalSince1970: 1_700_000_000), actor: "scheduler",
            target: "node/web-1", summary: "Node web-1 is offline ⚠️")
        for format in WebhookFormat.allCases {
            let body = try WebhookPayload.body(for: event, format: format)
            try await ScriptedHTTPServer.with([.init(status: 204)]) { server in
                try await withSender { sender in
                    let outcome = await sender.deliver(url: server.baseURL + "/x", body: body, eventType: event.type, eventID: event.id)
                    #expect(outcome.delivered && outcome.statusCode == 204)
                    #expect(server.requests.first?.body == body)
                }
            }
        }
    }

    @Test(
        "4xx other than 408 and 429 is not retriable; 408 and 429 are, with Retry-After",
        arguments: [(404, false), (400, false), (401, false), (410, false), (408, true), (429, true), (502, true), (301, false)])
    func statusClassification(status: Int, retriable: Bool) async throws {
        let reply = ScriptedHTTPServer.Reply(status: status, headers: [("Retry-After", "7"), ("Location", "http://127.0.0.1:1/x")])
        try await ScriptedHTTPServer.with([reply]) { server in
            try await withSender { sender in
                let outcome = await sender.deliver(url: server.baseURL + "/hook", body: Self.body, eventType: "t", eventID: "i")
                #expect(!outcome.delivered)
                #expect(outcome.statusCode == status)
                #expect(outcome.retriable == retriable)
                #expect(outcome.error?.hasPrefix("HTTP \(status)") == true)
                #expect(outcome.retryAfter == (retriable ? .seconds(7) : nil))
                #expect(server.requests.count == 1, "redirects are not followed")
            }
        }
    }

    @Test("an answer's body is never kept: only the status and generic advice", arguments: [404, 500, 200])
    func answerBodyNotEchoed(status: Int) async throws {
        let reply = ScriptedHTTPServer.Reply(status: status, body: "{\"internal\": \"INTERNALREPLY\"}")
        try await ScriptedHTTPServer.with([reply]) { server in
            try await withSender { sender in
                let outcome = await sender.deliver(url: server.baseURL + "/api/webhooks/x", body: Self.body, eventType: "t", eventID: "i")
                #expect(outcome.statusCode == status)
                #expect(!"\(outcome)".contains("INTERNALREPLY"))
                if status == 404 {
                    #expect(outcome.error == "HTTP 404; the webhook does not exist (deleted?); update or remove the subscription")
                }
            }
        }
    }

    @Test("by default a loopback target is refused without a request, not retriable, whatever its spelling")
    func loopbackRefused() async throws {
        try await ScriptedHTTPServer.with([.init(status: 200)]) { server in
            try await withSender(allowPrivateTargets: false) { sender in
                for host in ["127.0.0.1", "localhost", "127.1", "[::ffff:127.0.0.1]", "0.0.0.0"] {
                    let outcome = await sender.deliver(
                        url: "http://\(host):\(server.port)/hook", body: Self.body, eventType: "t", eventID: "i")
                    #expect(!outcome.delivered && !outcome.retriable && outcome.statusCode == nil, "\(host): \(outcome)")
                    #expect(outcome.error?.hasPrefix("refused: the host is or resolves to a") == true, "\(host): \(outcome)")
                }
                #expect(server.requests.isEmpty)
            }
        }
    }

    @Test("a name is resolved once and sent to the checked address, keeping its Host header")
    func namePinned() async throws {
        try await ScriptedHTTPServer.with([.init(status: 200)]) { server in
            try await withSender { sender in
                let outcome = await sender.deliver(url: "http://localhost:\(server.port)/pinned", body: Self.body, eventType: "t", eventID: "i")
                #expect(outcome.delivered, "\(outcome)")
                let request = try #require(server.requests.first)
                #expect(request.uri == "/pinned")
                #expect(request.headers["Host"] == ["localhost:\(server.port)"])
            }
        }
    }

    @Test("an address that refuses the connection is skipped for the host's next checked address")
    func nextAddressAfterRefusal() async throws {
        try await ScriptedHTTPServer.with([.init(status: 204)]) { server in
            try await withSender { sender in
                // The server listens on 127.0.0.1 only: 127.0.0.2 refuses (or is unreachable).
                let addresses = try [#require(TargetAddress("127.0.0.2")), #require(TargetAddress("127.0.0.1"))]
                let response = try await sender.execute(
                    HTTPClientRequest(url: "http://localhost:\(server.port)/next"), host: "localhost", addresses: addresses,
                    deadline: .now() + .seconds(5))
                #expect(response.status.code == 204)
                #expect(server.requests.map(\.uri) == ["/next"])
            }
        }
    }

    @Test("ports outside 1...65535 are refused as invalid URLs, without trapping", arguments: ["65536", "0", "99999999999999999999"])
    func badPort(port: String) async throws {
        try await withSender { sender in
            for host in ["127.0.0.1", "localhost"] {
                let outcome = await sender.deliver(url: "http://\(host):\(port)/x", body: Self.body, eventType: "t", eventID: "i")
                #expect(
                    outcome
                        == DeliveryOutcome(
                            delivered: false, statusCode: nil, error: "invalid webhook URL: the port must be between 1 and 65535", retriable: false))
            }
        }
    }

    @Test("an unresolvable host is retriable")
    func unresolvable() async throws {
        try await withSender(allowPrivateTargets: false) { sender in
            let outcome = await sender.deliver(url: "https://no-such-host.invalid/x", body: Self.body, eventType: "t", eventID: "i")
            #expect(!outcome.delivered && outcome.retriable && outcome.statusCode == nil)
            #expect(outcome.error?.hasPrefix("cannot resolve the host") == true, "\(outcome)")
        }
    }

    @Test("a refused connection is retriable and fails fast")
    func connectionRefused() async throws {
        let server = try await ScriptedHTTPServer.start(statuses: [200])
        let url = server.baseURL + "/hook/REFUSEDSECRET?token=REFUSEDQUERY"
        await server.close()
        try await withSender { sender in
            let start = ContinuousClock.now
            let outcome = await sender.deliver(url: url, body: Self.body, eventType: "t", eventID: "i")
            #expect(ContinuousClock.now - start < .seconds(4))
            #expect(!outcome.delivered)
            #expect(outcome.retriable)
            #expect(outcome.statusCode == nil)
            let error = try #require(outcome.error)
            #expect(error.hasPrefix("could not connect"), "\(error)")
            #expect(!error.contains("REFUSED"))
        }
    }

    @Test("a server slower than the timeout gives a retriable timeout")
    func slowServer() async throws {
        try await ScriptedHTTPServer.with([.init(status: 200, delay: .seconds(3))]) { server in
            try await withSender(timeout: .milliseconds(300)) { sender in
                let start = ContinuousClock.now
                let outcome = await sender.deliver(url: server.baseURL + "/slow", body: Self.body, eventType: "t", eventID: "i")
                #expect(ContinuousClock.now - start < .seconds(2))
                #expect(!outcome.delivered)
                #expect(outcome.retriable)
                #expect(outcome.statusCode == nil)
                #expect(outcome.error?.hasPrefix("no answer within") == true, "\(outcome.error ?? "")")
                #expect(server.requests.count == 1)
            }
        }
    }

    @Test("an invalid URL is refused without a request and is not retriable")
    func invalidURL() async throws {
        try await withSender { sender in
            let outcome = await sender.deliver(url: "ftp://example.com/x", body: Self.body, eventType: "t", eventID: "i")
            #expect(
                outcome
                    == DeliveryOutcome(
                        delivered: false, statusCode: nil, error: "invalid webhook URL: only http and https URLs are accepted", retriable: false))
        }
    }

    @Test("control characters in event type and id are dropped from the headers")
    func headerInjection() async throws {
        try await ScriptedHTTPServer.with([.init(status: 200)]) { server in
            try await withSender { sender in
                let outcome = await sender.deliver(
                    url: server.baseURL + "/h", body: Self.body, eventType: "job.failed\r\nX-Evil: 1", eventID: "id\n1")
                #expect(outcome.delivered)
                let request = try #require(server.requests.first)
                #expect(request.headers["X-Coxswain-Event"] == ["job.failedX-Evil: 1"])
                #expect(request.headers["X-Coxswain-Delivery"] == ["id1"])
                #expect(request.headers["X-Evil"].isEmpty)
            }
        }
    }

    @Test("logs and outcomes never show the URL's credentials, query or path; user:password@ is sent as Basic auth")
    func redactionInLogs() async throws {
        let capture = LogCapture()
        try await ScriptedHTTPServer.with([.init(status: 500, body: "boom PATHSECRET123 QUERYSECRET456"), .init(status: 200)]) { server in
            try await withSender(logger: capture.logger()) { sender in
                let url = "http://hookuser:PASSWORDSECRET789@127.0.0.1:\(server.port)/hooks/PATHSECRET123?token=QUERYSECRET456"
                let failed = await sender.deliver(url: url, body: Self.body, eventType: "job.failed", eventID: "m-9")
                let delivered = await sender.deliver(url: url, body: Self.body, eventType: "job.failed", eventID: "m-9")
                #expect(failed.retriable && delivered.delivered)

                let request = try #require(server.requests.last)
                #expect(request.uri == "/hooks/PATHSECRET123?token=QUERYSECRET456")
                #expect(request.headers["Authorization"] == ["Basic " + Data("hookuser:PASSWORDSECRET789".utf8).base64EncodedString()])

                let logs = capture.text
                #expect(logs.contains("webhook delivery failed, retriable"))
                #expect(logs.contains("webhook delivered"))
                #expect(logs.contains("webhook.url=http://127.0.0.1:\(server.port)/…"))
                #expect(logs.contains("event.type=job.failed"))
                let outcomes = "\(failed) \(delivered)"
                for secret in ["PASSWORDSECRET789", "hookuser", "QUERYSECRET456", "PATHSECRET123", "token="] {
                    #expect(!logs.contains(secret), "log shows \(secret): \(logs)")
                    #expect(!outcomes.contains(secret), "outcome shows \(secret): \(outcomes)")
                }
            }
        }
    }

    @Test("a sender delivers concurrently")
    func concurrent() async throws {
        try await ScriptedHTTPServer.with([.init(status: 202)]) { server in
            try await withSender { sender in
                let outcomes = await withTaskGroup(of: DeliveryOutcome.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            await sender.deliver(url: server.baseURL + "/c", body: Self.body, eventType: "t", eventID: "e\(index)")
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.count == 8 && outcomes.allSatisfy(\.delivered))
                #expect(Set(server.requests.compactMap { $0.headers["X-Coxswain-Delivery"].first }).count == 8)
            }
        }
    }
}
