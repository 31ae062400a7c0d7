import Foundation
import Testing

@testable import CoxswainRegistry

@Suite("Error descriptions and secrets")
struct RegistryErrorTests {
    @Test("descriptions: the status first, durations as seconds")
    func descriptions() {
        #expect(RegistryError.rateLimited(retryAfterSeconds: 30).description == "429 rate limited, retry after 30 s")
        #expect(RegistryError.rateLimited(retryAfterSeconds: nil).description == "429 rate limited, retry later")
        #expect(RegistryError.timedOut(.seconds(15)).description == "timed out after 15 s")
        #expect(RegistryError.timedOut(.milliseconds(500)).description == "timed out after 0.5 s")
        #expect(RegistryError.timedOut(.milliseconds(1250)).description == "timed out after 1.3 s")
        #expect(RegistryError.notFound("tag a:b not found in registry r").description == "tag a:b not found in registry r")
        #expect(RegistryError.timedOut(.seconds(1)).isRetriable)
        #expect(!RegistryError.unauthorized("x").isRetriable)
    }

    @Test("a login never prints its password")
    func loginDescription() {
        let login = RegistryLogin(username: "alice", password: "hunter2-very-secret")
        for text in ["\(login)", String(describing: login), String(reflecting: login), "\([login])"] {
            #expect(!text.contains("hunter2"), "\(text)")
            #expect(text.contains("alice"))
        }
        #expect(login.basicAuthorization == "Basic " + Data("alice:hunter2-very-secret".utf8).base64EncodedString())
    }

    @Test("failures built from registry answers name the target and blank out the password and tokens")
    func failures() throws {
        let client = Fixtures.client(
            Fixtures.registry(name: "corp", kind: .v2, url: "r.example.com"), login: RegistryLogin(username: "bob", password: "s3cr3t-pass"))
        client.authCache.store("tok-abcdef", for: "repository:a:pull", lifetime: .seconds(60))
        let name = try RepositoryName(validating: "demo/httpd")
        func response(_ status: Int, _ body: String, headers: [(String, String)] = []) -> RegistryResponse {
            RegistryResponse(status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: .init(string: body), url: "https://r.example.com/v2/x")
        }
        let echo = #"{"errors":[{"code":"DENIED","message":"password s3cr3t-pass and token tok-abcdef are wrong"}]}"#
        let unauthorized = client.failure(response(401, echo), about: .repository(name))
        #expect(unauthorized.description == "401 unauthorized: registry corp at r.example.com refused the credentials of user bob for repository demo/httpd")
        let bad = client.failure(response(500, echo), about: .repository(name))
        #expect(
            bad.description.hasPrefix(
                "500 internal server error: registry corp at r.example.com answered https://r.example.com/v2/x with 500: DENIED: password <hidden>"))
        for error in [unauthorized, bad] {
            #expect(!error.description.contains("s3cr3t-pass"))
            #expect(!error.description.contains("tok-abcdef"))
        }
        let missingTag = client.failure(response(404, #"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#), about: .tag(name, "9"))
        #expect(missingTag == .notFound("tag demo/httpd:9 not found in registry corp at r.example.com"))
        let missingRepository = client.failure(response(404, #"{"errors":[{"code":"NAME_UNKNOWN"}]}"#), about: .tag(name, "9"))
        #expect(missingRepository == .notFound("repository demo/httpd not found in registry corp at r.example.com"))
        #expect(client.failure(response(429, "", headers: [("Retry-After", "42")]), about: .catalog) == .rateLimited(retryAfterSeconds: 42))
        #expect(client.failure(response(429, "", headers: [("Retry-After", "soon")]), about: .catalog) == .rateLimited(retryAfterSeconds: nil))
        #expect(client.failure(response(403, ""), about: .catalog).description.hasPrefix("403 denied: registry corp"))
        let anonymous = Fixtures.client(Fixtures.registry(name: "corp", kind: .v2, url: "r.example.com"))
        #expect(
            anonymous.failure(response(401, ""), about: .registry)
                == .unauthorized("401 unauthorized: registry corp at r.example.com requires credentials and none are stored"))
    }

    @Test("Retry-After as an HTTP date")
    func retryAfterDate() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(120))
        let response = RegistryResponse(status: 429, headers: [(name: "retry-after", value: date)], body: .init(), url: "https://x/")
        let seconds = response.retryAfterSeconds ?? -1
        #expect((100...121).contains(seconds), "\(seconds) from \(date)")
    }
}
