import Foundation
import Testing

@testable import CoxswainNotify

@Suite("webhook URLs")
struct WebhookURLTests {
    @Test(
        "http and https URLs with a host are accepted",
        arguments: [
            "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
            "https://discord.com/api/webhooks/123456789012345678/abcdefTOKEN",
            "http://127.0.0.1:8080/hook?token=abc",
            "HTTPS://Example.COM",
            "https://user:pass@example.com/x",
            "http://[::1]:9000/h",
            "https://example.com:1/h",
            "https://example.com:65535/h",
            "https://example.com:/h",
        ])
    func accepted(url: String) {
        #expect(WebhookSender.validate(url: url) == nil)
    }

    @Test(
        "other schemes, missing hosts, fragments, spaces and garbage are refused with a reason",
        arguments: [
            ("ftp://example.com/x", "only http and https"),
            ("http+unix://%2Fvar%2Frun%2Fdocker.sock/containers", "only http and https"),
            ("unix:///var/run/docker.sock", "only http and https"),
            ("file:///etc/passwd", "only http and https"),
            ("javascript:alert(1)", "only http and https"),
            ("example.com/hook", "only http and https"),
            ("", "only http and https"),
            ("https://", "no host"),
            ("https:///path", "no host"),
            ("https://example.com/hook#frag", "fragment"),
            ("https://example.com/ho ok", "spaces"),
            ("https://example.com/\nhook", "control"),
            ("https://example.com/" + String(repeating: "a", count: 3000), "longer than 2048"),
            ("http://127.0.0.1:65536/x", "port must be between 1 and 65535"),
            ("http://example.com:0/x", "port must be between 1 and 65535"),
            ("http://[::1]:70000/x", "port must be between 1 and 65535"),
            ("http://u:p@example.com:99999999999999999999/x", "port must be between 1 and 65535"),
        ])
    func refused(url: String, reason: String) throws {
        let message = try #require(WebhookSender.validate(url: url))
        #expect(message.contains(reason), "\(message)")
    }

    @Test("a refusal never repeats the URL")
    func refusalHasNoURL() throws {
        let message = try #require(WebhookSender.validate(url: "gopher://user:SECRETPW@host/SECRETPATH#frag"))
        #expect(!message.contains("SECRET"))
        #expect(!message.contains("gopher"))
    }

    @Test(
        "redacted keeps scheme, host and port only",
        arguments: [
            ("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX", "https://hooks.slack.com/…"),
            ("https://discord.com/api/webhooks/123/TOKEN", "https://discord.com/…"),
            ("http://u:p@127.0.0.1:8080/hook?token=abc", "http://127.0.0.1:8080/…"),
            ("https://example.com", "https://example.com"),
            ("https://example.com/", "https://example.com"),
            ("https://example.com?k=v", "https://example.com/…"),
            ("http://[::1]:9000/h", "http://[::1]:9000/…"),
        ])
    func redacted(url: String, expected: String) throws {
        #expect(try WebhookURL(url).redacted == expected)
    }

    @Test("the connection host is what AsyncHTTPClient connects to: IPv6 without brackets, case kept")
    func connectionHost() throws {
        #expect(try WebhookURL("http://[::1]:9000/h").connectionHost == "::1")
        #expect(try WebhookURL("https://u:p@Hooks.Example.com/x").connectionHost == "Hooks.Example.com")
        #expect(try WebhookURL("http://127.1/x").connectionHost == "127.1")
    }

    @Test("user information becomes a Basic authorization header and leaves the request URL")
    func userInfo() throws {
        let url = try WebhookURL("https://alice:s%40cret@example.com/hook?x=1")
        #expect(url.requestURL == "https://example.com/hook?x=1")
        #expect(url.basicAuthorization == "Basic " + Data("alice:s@cret".utf8).base64EncodedString())
        #expect(try WebhookURL("https://example.com/hook").basicAuthorization == nil)
    }

    @Test("scrub removes the URL, its credentials, query and path, also percent-decoded")
    func scrub() throws {
        let url = try WebhookURL("https://bob:hunter22@hooks.example.com/services/T0/B0/SeCrEtToKeN%2Bx?token=QUERYTOKEN")
        let text = """
            failed https://bob:hunter22@hooks.example.com/services/T0/B0/SeCrEtToKeN%2Bx?token=QUERYTOKEN; \
            https://hooks.example.com/services/T0/B0/SeCrEtToKeN%2Bx?token=QUERYTOKEN; \
            path /services/T0/B0/SeCrEtToKeN%2Bx; token SeCrEtToKeN+x; query token=QUERYTOKEN; pw hunter22
            """
        let scrubbed = url.scrub(text)
        for secret in ["hunter22", "SeCrEtToKeN", "QUERYTOKEN", "/services/T0"] {
            #expect(!scrubbed.contains(secret), "\(scrubbed)")
        }
        #expect(scrubbed.hasPrefix("failed https://hooks.example.com/…; https://hooks.example.com/…;"))
        #expect(url.scrub("echo: QUERYTOKEN") == "echo: …")
        #expect(url.scrub("Unknown Webhook") == "Unknown Webhook")
    }
}
