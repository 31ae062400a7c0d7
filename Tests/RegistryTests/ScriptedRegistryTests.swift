import CoxswainCore
import Foundation
import Testing

@testable import CoxswainRegistry

/// The client against a scripted HTTP server on loopback: the failure paths a real registry does
/// not produce on demand (429, a slow answer, a token service) and the hosted listing APIs (which
/// are on the internet, out of reach here).
@Suite("Registry client against scripted servers", .timeLimit(.minutes(1)))
struct ScriptedRegistryTests {
    static func registry(_ server: TestHTTPServer, kind: RegistryKind = .v2, namespace: String? = nil) -> RegistryInfo {
        Fixtures.registry(name: "scripted", kind: kind, url: server.hostPort, namespace: namespace, plainHTTP: true)
    }

    @Test("429 with Retry-After: check says so; browsing throws rateLimited")
    func rateLimited() async throws {
        try await TestHTTPServer.with({ _, _ in .init(status: 429, body: #"{"errors":[{"code":"TOOMANYREQUESTS"}]}"#, headers: [("Retry-After", "30")]) }) {
            server in
            let client = Fixtures.client(Self.registry(server))
            let result = await client.check()
            #expect(!result.ok)
            #expect(result.message == "429 rate limited, retry after 30 s")
            await #expect(throws: RegistryError.rateLimited(retryAfterSeconds: 30)) { try await client.repositories() }
        }
    }

    @Test("a registry slower than the timeout: check says timed out, browsing throws timedOut")
    func slow() async throws {
        try await TestHTTPServer.with({ _, _ in .init(status: 200, body: "{}", delay: .seconds(3)) }) { server in
            let client = Fixtures.client(Self.registry(server), timeout: .milliseconds(400))
            let started = ContinuousClock.now
            let result = await client.check()
            let elapsed = ContinuousClock.now - started
            #expect(!result.ok)
            #expect(result.message == "timed out after 0.4 s")
            #expect(elapsed < .seconds(2), "the check stops at its timeout")
            await #expect(throws: RegistryError.timedOut(.milliseconds(400))) { try await client.tags(repository: "a/b") }
        }
    }

    @Test("nothing listening: cannot reach URL with the reason")
    func unreachable() async throws {
        let port = RegistryFixture.freePort()
        let client = Fixtures.client(Fixtures.registry(name: "gone", kind: .v2, url: "127.0.0.1:\(port)", plainHTTP: true), timeout: .seconds(10))
        let started = ContinuousClock.now
        let result = await client.check()
        print("[figures] check of a closed port: \(Fixtures.milliseconds(ContinuousClock.now - started)) ms: \(result.message)")
        #expect(!result.ok)
        #expect(result.message.hasPrefix("cannot reach http://127.0.0.1:\(port)/v2/: connection refused"), "\(result.message)")
    }

    @Test("503 with a Distribution error body names status and message")
    func serverError() async throws {
        try await TestHTTPServer.with({ _, _ in
            .init(status: 503, body: #"{"errors":[{"code":"UNAVAILABLE","message":"maintenance until 10:00"}]}"#)
        }) { server in
            let result = await Fixtures.client(Self.registry(server)).check()
            #expect(!result.ok)
            #expect(result.message.hasPrefix("503 service unavailable: registry scripted at \(server.hostPort) answered"), "\(result.message)")
            #expect(result.message.hasSuffix("with 503: UNAVAILABLE: maintenance until 10:00"))
        }
    }

    @Test("Bearer flow: realm, service and scope from the challenge, Basic to the token service, token reused per scope")
    func bearerFlow() async throws {
        let login = RegistryLogin(username: "alice", password: "pa55word")
        try await TestHTTPServer.with({ request, server in
            switch request.path {
            case "/token":
                guard request.header("Authorization") == login.basicAuthorization else { return .init(status: 401, body: #"{"details":"bad"}"#) }
                let scope = request.query("scope").joined(separator: " ")
                return .init(status: 200, body: #"{"access_token":"tok-\#(scope.isEmpty ? "none" : scope)","expires_in":300}"#)
            default:
                let challenge =
                    #"Bearer realm="\#(server.baseURL)/token",service="scripted-svc""#
                    + (request.path == "/v2/" ? "" : #",scope="repository:team/app:pull""#)
                guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer tok-") else {
                    return .init(status: 401, body: "{}", headers: [("WWW-Authenticate", challenge)])
                }
                if request.path == "/v2/team/app/tags/list" {
                    guard authorization == "Bearer tok-repository:team/app:pull" else { return .init(status: 401, headers: [("WWW-Authenticate", challenge)]) }
                    return .init(status: 200, body: #"{"name":"team/app","tags":["v1","v2"]}"#)
                }
                return .init(status: 200, body: "{}")
            }
        }) { server in
            let client = Fixtures.client(Self.registry(server), login: login)
            let result = await client.check()
            #expect(result.ok, "\(result.message)")
            #expect(result.authScheme == "bearer")
            #expect(result.message.contains("bearer token from \(server.baseURL)/token"))

            let first = try await client.tags(repository: "team/app")
            let again = try await client.tags(repository: "team/app")
            #expect(first.tags == ["v1", "v2"])
            #expect(again == first)
            let tokenRequests = server.requests.filter { $0.path == "/token" }
            #expect(
                tokenRequests.count == 2,
                "one for the check, one for the scope, then the cached token: \(server.requests.map { "\($0.uri) \($0.header("Authorization") ?? "-")" })")
            #expect(tokenRequests.last?.query("service") == ["scripted-svc"])
            #expect(tokenRequests.last?.query("scope") == ["repository:team/app:pull"])
            #expect(tokenRequests.last?.query("account") == ["alice"])

            let wrong = await Fixtures.client(Self.registry(server), login: RegistryLogin(username: "alice", password: "nope-nope")).check()
            #expect(!wrong.ok)
            #expect(
                wrong.message
                    == "401 unauthorized: the token service \(server.baseURL)/token refused the credentials of user alice for registry scripted at \(server.hostPort)"
            )
        }
    }

    @Test("tags follow Link pages (Distribution 3 paginates tags; 2.8 does not), sorted, bounded by the limit")
    func tagPages() async throws {
        try await TestHTTPServer.with({ request, _ in
            let last = request.query("last").first
            switch last {
            case nil:
                return .init(status: 200, body: #"{"name":"a/b","tags":["v2","v1"]}"#, headers: [("Link", #"</v2/a/b/tags/list?n=2&last=v1>; rel="next""#)])
            case "v1":
                return .init(status: 200, body: #"{"name":"a/b","tags":["v3","-bad"]}"#, headers: [("Link", #"</v2/a/b/tags/list?n=2&last=v3>; rel="next""#)])
            default: return .init(status: 200, body: #"{"name":"a/b","tags":null}"#)
            }
        }) { server in
            var client = Fixtures.client(Self.registry(server))
            client.pageSize = 2
            let all = try await client.tags(repository: "a/b")
            #expect(all == RegistryTagList(repository: "a/b", tags: ["v1", "v2", "v3"], truncated: false))
            #expect(server.requests.map(\.uri) == ["/v2/a/b/tags/list?n=2", "/v2/a/b/tags/list?n=2&last=v1", "/v2/a/b/tags/list?n=2&last=v3"])
            let limited = try await client.tags(repository: "a/b", limit: 2)
            #expect(limited == RegistryTagList(repository: "a/b", tags: ["v1", "v2"], truncated: true))
        }
    }

    @Test("an https registry naming a plain-HTTP realm gets no credentials")
    func plainRealmRefused() throws {
        let client = Fixtures.client(Fixtures.registry(kind: .v2, url: "registry.example.com"), login: RegistryLogin(username: "a", password: "b"))
        let endpoint = try RegistryEndpoint(client.registry)
        let challenge = AuthChallenge(scheme: "bearer", parameters: ["realm": "http://evil.example.com/token", "service": "x"])
        #expect(throws: RegistryError.self) { try client.tokenURL(challenge, scope: "repository:a:pull", endpoint: endpoint) }
        let https = AuthChallenge(scheme: "bearer", parameters: ["realm": "https://auth.example.com/token?x=1", "service": "reg istry"])
        let url = try client.tokenURL(https, scope: "repository:a/b:pull registry:catalog:*", endpoint: endpoint)
        #expect(url.url == "https://auth.example.com/token?x=1&service=reg%20istry&scope=repository:a/b:pull&scope=registry:catalog:*&account=a")
        #expect(url.label == "https://auth.example.com/token")
    }

    @Test("pagination ends as truncated when the time is up after the first page, or the next page is on another origin")
    func paginationBounds() async throws {
        try await TestHTTPServer.with({ request, server in
            if request.uri.contains("last=slow") { return .init(status: 200, body: #"{"repositories":["z/late"]}"#, delay: .seconds(3)) }
            if request.uri.contains("elsewhere") {
                return .init(status: 200, body: #"{"repositories":["b/x"]}"#, headers: [("Link", #"<http://127.0.0.2:9/v2/_catalog?n=1>; rel="next""#)])
            }
            let next = request.uri.contains("other") ? "/v2/_catalog?n=1&elsewhere=1" : "/v2/_catalog?n=1&last=slow"
            return .init(status: 200, body: #"{"repositories":["a/x","Bad//name"]}"#, headers: [("Link", "<\(next)>; rel=\"next\"")])
        }) { server in
            let client = Fixtures.client(Self.registry(server), timeout: .milliseconds(600))
            let bounded = try await client.repositories()
            #expect(bounded == RegistryRepositoryList(repositories: ["a/x"], truncated: true))
            var other = Fixtures.client(Self.registry(server), timeout: .seconds(5))
            other.hostedAPIBase = nil
            let first = try await other.paginate(from: server.baseURL + "/v2/_catalog?other=1", limit: 10, deadline: .now + .seconds(5)) {
                url throws(RegistryError) in
                let response = try await other.get(url, headers: [], deadline: .now + .seconds(5))
                struct Catalog: Decodable { var repositories: [String] }
                let catalog = (try? JSONDecoder().decode(Catalog.self, from: response.data))?.repositories ?? []
                return (catalog, LinkHeader(response.values("Link")).next(relativeTo: url))
            }
            #expect(first.names == ["a/x", "Bad//name", "b/x"])
            #expect(first.truncated, "the link to 127.0.0.2 is not followed")
            #expect(!server.requests.contains { $0.uri.contains("127.0.0.2") })
        }
    }

    @Test("GitLab listing: group 404 falls back to the project, PRIVATE-TOKEN sent, Link followed")
    func gitlab() async throws {
        try await TestHTTPServer.with({ request, server in
            guard request.header("PRIVATE-TOKEN") == "glpat-secret" else { return .init(status: 401, body: #"{"message":"401 Unauthorized"}"#) }
            if request.path.hasPrefix("/api/v4/groups/") { return .init(status: 404, body: #"{"message":"404 Group Not Found"}"#) }
            if request.uri.contains("&page=2") { return .init(status: 200, body: #"[{"path":"acme/app/worker"}]"#) }
            return .init(
                status: 200, body: #"[{"path":"acme/app"},{"path":"acme/app/web"}]"#,
                headers: [("Link", "<\(server.baseURL)/api/v4/projects/acme%2Fapp/registry/repositories?per_page=2&page=2>; rel=\"next\"")])
        }) { server in
            let registry = Fixtures.registry(name: "gl", kind: .gitlab, url: "registry.example.com", namespace: "acme/app", apiURL: server.baseURL)
            var client = Fixtures.client(registry, login: RegistryLogin(username: "x", password: "glpat-secret"))
            client.pageSize = 2
            let list = try await client.repositories()
            #expect(list == RegistryRepositoryList(repositories: ["acme/app", "acme/app/web", "acme/app/worker"], truncated: false))
            #expect(server.requests.first?.uri == "/api/v4/groups/acme%2Fapp/registry/repositories?per_page=2")
            #expect(server.requests.dropFirst().first?.uri == "/api/v4/projects/acme%2Fapp/registry/repositories?per_page=2")

            let anonymous = Fixtures.client(registry)
            do throws(RegistryError) {
                _ = try await anonymous.repositories()
                Issue.record("listing without a token")
            } catch {
                #expect(error.description.hasPrefix("401 unauthorized: GitLab's API at \(server.baseURL) requires a token"), "\(error)")
            }
        }
    }

    @Test("Docker Hub listing: login for a JWT, results under the namespace, next followed")
    func hub() async throws {
        try await TestHTTPServer.with({ request, server in
            if request.path == "/v2/users/login" {
                let body = String(decoding: request.body, as: UTF8.self)
                guard request.method == "POST", body.contains(#""password":"hub-pass""#) else {
                    return .init(status: 401, body: #"{"detail":"Incorrect authentication credentials"}"#)
                }
                return .init(status: 200, body: #"{"token":"hub-jwt"}"#)
            }
            guard request.header("Authorization") == "Bearer hub-jwt" else { return .init(status: 401) }
            if request.uri.contains("page=2") { return .init(status: 200, body: #"{"next":null,"results":[{"name":"db","namespace":"acme"}]}"#) }
            return .init(
                status: 200, body: #"{"next":"\#(server.baseURL)/v2/repositories/acme/?page=2&page_size=100","results":[{"name":"web","namespace":"acme"}]}"#)
        }) { server in
            var client = Fixtures.client(
                Fixtures.registry(name: "hub", kind: .hub, url: nil, namespace: "acme"), login: RegistryLogin(username: "acme", password: "hub-pass"))
            client.hostedAPIBase = server.baseURL
            let list = try await client.repositories()
            #expect(list == RegistryRepositoryList(repositories: ["acme/db", "acme/web"], truncated: false))

            var wrong = Fixtures.client(
                Fixtures.registry(name: "hub", kind: .hub, url: nil, namespace: "acme"), login: RegistryLogin(username: "acme", password: "bad-pass"))
            wrong.hostedAPIBase = server.baseURL
            await #expect(throws: RegistryError.self) { try await wrong.repositories() }
        }
    }

    @Test("GitHub listing needs a token")
    func githubNeedsToken() async throws {
        let client = Fixtures.client(Fixtures.registry(name: "gh", kind: .github, url: nil, namespace: "acme"))
        do throws(RegistryError) {
            _ = try await client.repositories()
            Issue.record("listing without a token")
        } catch {
            guard case .unauthorized(let message) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(message.contains("read:packages"))
        }
    }

    @Test("a redirect to another origin drops the credentials")
    func redirect() async throws {
        try await TestHTTPServer.with({ request, _ in .init(status: 200, body: request.header("Authorization") ?? "none") }) { target in
            try await TestHTTPServer.with({ request, _ in .init(status: 307, headers: [("Location", "http://localhost:\(target.port)/blob")]) }) { origin in
                let client = Fixtures.client(Self.registry(origin), login: RegistryLogin(username: "a", password: "b"))
                let response = try await client.get(
                    origin.baseURL + "/v2/x/blobs/y", headers: [("Authorization", "Bearer secret-token")], deadline: .now + .seconds(5))
                #expect(response.status == 200)
                #expect(String(buffer: response.body) == "none")
            }
        }
    }

    @Test("a body beyond 4 MiB is a bad response, not read to the end")
    func oversized() async throws {
        let big = String(repeating: "x", count: (4 << 20) + 1)
        try await TestHTTPServer.with({ _, _ in .init(status: 200, body: big) }) { server in
            let result = await Fixtures.client(Self.registry(server)).check()
            #expect(!result.ok)
            #expect(result.message.contains("sent more than 4 MiB"), "\(result.message)")
        }
    }
}
