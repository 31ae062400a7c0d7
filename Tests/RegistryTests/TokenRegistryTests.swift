import CoxswainCore
import Foundation
import Testing

@testable import CoxswainRegistry

/// The Bearer-token flow against a real Distribution registry with `auth: token` (started by the
/// test) and a token service in the test process.
@Suite(
    "Registry client against a token-auth registry", .enabled(if: TokenRegistryFixture.enabled, TokenRegistryFixture.skipReason),
    .timeLimit(.minutes(1)))
struct TokenRegistryTests {
    @Test("libtrust key ID: 12 groups of 4 base32 characters")
    func keyID() throws {
        let issuer = TokenIssuer(key: .init(), issuer: "i", service: "s")
        let groups = issuer.keyID.split(separator: ":")
        #expect(groups.count == 12)
        #expect(groups.allSatisfy { $0.count == 4 && $0.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) } })
        #expect(TokenIssuer.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test("check through the bearer flow; a wrong password and none are 401; catalog, tags and details with tokens")
    func bearer() async throws {
        try await TokenRegistryFixture.with { fixture in
            let client = fixture.client()
            var started = ContinuousClock.now
            let ok = await client.check()
            print("[figures] check (bearer, token registry + token service): \(Fixtures.milliseconds(ContinuousClock.now - started)) ms")
            #expect(ok.ok, "\(ok.message)")
            #expect(ok.authScheme == "bearer")
            #expect(ok.message.contains("bearer token from \(fixture.tokenServer.baseURL)/token"))

            let wrong = await fixture.client(login: RegistryLogin(username: TokenRegistryFixture.login.username, password: "wrong-pass-x")).check()
            #expect(!wrong.ok)
            #expect(wrong.authScheme == "bearer")
            #expect(
                wrong.message.hasPrefix("401 unauthorized: the token service \(fixture.tokenServer.baseURL)/token refused the credentials of user token-user"),
                "\(wrong.message)")
            #expect(!wrong.message.contains("wrong-pass-x"))

            let none = await fixture.client(login: nil).check()
            #expect(!none.ok)
            #expect(none.message.hasPrefix("401 unauthorized"), "\(none.message)")

            let name = RegistryFixture.unique("tok") + "/app"
            try await fixture.pusher.pushImage(name, tag: "1", labels: ["via": "token"])
            try await fixture.pusher.pushImage(name, tag: "2")

            started = ContinuousClock.now
            let repositories = try await client.repositories()
            print("[figures] catalog through a token (registry:catalog:*): \(Fixtures.milliseconds(ContinuousClock.now - started)) ms")
            #expect(repositories == RegistryRepositoryList(repositories: [name], truncated: false))
            #expect(fixture.tokenServer.requests.contains { $0.query("scope") == ["registry:catalog:*"] })

            #expect(try await client.tags(repository: name).tags == ["1", "2"])
            let details = try await client.tagDetails(repository: name, tag: "1")
            #expect(details.labels == ["via": "token"])
            #expect(details.platforms == ["linux/amd64"])
            let scopes = fixture.tokenServer.requests.compactMap { $0.query("scope").first }
            #expect(scopes.filter { $0 == "repository:\(name):pull" }.count == 1, "one token for tags, manifest and blob: \(scopes)")

            // A wrong password while browsing: the token service refuses, typed and secret-free.
            let wrongBrowse = fixture.client(login: RegistryLogin(username: "token-user", password: "wrong-pass-y"))
            do throws(RegistryError) {
                _ = try await wrongBrowse.repositories()
                Issue.record("catalog with a wrong password")
            } catch {
                guard case .unauthorized(let message) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(!message.contains("wrong-pass-y"))
            }
        }
    }
}
