import CoxswainCore
import Foundation
import Testing

@testable import CoxswainRegistry

@Suite("Hub, GitHub and GitLab listing URLs and pages (no network)")
struct HostedRegistryAPITests {
    @Test("Docker Hub: repositories of the namespace, 100 a page, login endpoint, JWT header")
    func hub() throws {
        let api = try #require(try HostedRegistryAPI.of(Fixtures.registry(kind: .hub, url: nil, namespace: "acme")))
        #expect(api.firstPageURLs(pageSize: 100) == ["https://hub.docker.com/v2/repositories/acme/?page_size=100"])
        #expect(api.hubLoginURL == "https://hub.docker.com/v2/users/login")
        let headers = api.headers(login: RegistryLogin(username: "u", password: "pw"), hubToken: "jwt")
        #expect(headers.contains { $0 == "Authorization" && $1 == "Bearer jwt" })
        #expect(!headers.contains { $1.contains("pw") })
        let page =
            #"{"count":3,"next":"https://hub.docker.com/v2/repositories/acme/?page=2&page_size=100","results":[{"name":"web","namespace":"acme"},{"name":"Bad Name"},{"name":"db"}]}"#
        let decoded = try api.page(Data(page.utf8), linkHeaders: [], url: api.firstPageURLs(pageSize: 100)[0])
        #expect(decoded.names == ["acme/web", "acme/db"])
        #expect(decoded.next == "https://hub.docker.com/v2/repositories/acme/?page=2&page_size=100")
    }

    @Test("GitHub: organisation first, then user; token as Bearer; Link pagination; names under the owner")
    func github() throws {
        let api = try #require(try HostedRegistryAPI.of(Fixtures.registry(kind: .github, url: nil, namespace: "Acme-Corp")))
        #expect(
            api.firstPageURLs(pageSize: 100) == [
                "https://api.github.com/orgs/Acme-Corp/packages?package_type=container&per_page=100",
                "https://api.github.com/users/Acme-Corp/packages?package_type=container&per_page=100",
            ])
        let headers = api.headers(login: RegistryLogin(username: "bot", password: "ghp_token"), hubToken: nil)
        #expect(headers.contains { $0 == "Authorization" && $1 == "Bearer ghp_token" })
        #expect(headers.contains { $0.0 == "X-GitHub-Api-Version" })
        let link = #"<https://api.github.com/orgs/Acme-Corp/packages?package_type=container&per_page=100&page=2>; rel="next""#
        let decoded = try api.page(Data(#"[{"name":"web","id":1},{"name":"tools/lint"}]"#.utf8), linkHeaders: [link], url: api.firstPageURLs(pageSize: 100)[0])
        #expect(decoded.names == ["acme-corp/web", "acme-corp/tools/lint"])
        #expect(decoded.next?.hasSuffix("page=2") == true)
    }

    @Test("GitLab: groups then projects with the path encoded, self-managed API URL, PRIVATE-TOKEN")
    func gitlab() throws {
        let saas = try #require(try HostedRegistryAPI.of(Fixtures.registry(kind: .gitlab, url: nil, namespace: "acme/team")))
        #expect(
            saas.firstPageURLs(pageSize: 50) == [
                "https://gitlab.com/api/v4/groups/acme%2Fteam/registry/repositories?per_page=50",
                "https://gitlab.com/api/v4/projects/acme%2Fteam/registry/repositories?per_page=50",
            ])
        let managed = try #require(
            try HostedRegistryAPI.of(Fixtures.registry(kind: .gitlab, url: "registry.example.com", namespace: "ops", apiURL: "https://gitlab.example.com/")))
        #expect(managed.firstPageURLs(pageSize: 100).first == "https://gitlab.example.com/api/v4/groups/ops/registry/repositories?per_page=100")
        #expect(managed.headers(login: RegistryLogin(username: "x", password: "glpat-1"), hubToken: nil).contains { $0 == "PRIVATE-TOKEN" && $1 == "glpat-1" })
        let decoded = try managed.page(Data(#"[{"id":1,"path":"ops/api","location":"registry.example.com/ops/api"}]"#.utf8), linkHeaders: [], url: "https://x/")
        #expect(decoded.names == ["ops/api"])
        #expect(decoded.next == nil)
    }

    @Test("v2 and google use the catalog; bad namespaces and API URLs are invalid")
    func others() throws {
        #expect(try HostedRegistryAPI.of(Fixtures.registry(kind: .v2, url: "r.example.com")) == nil)
        #expect(try HostedRegistryAPI.of(Fixtures.registry(kind: .google, url: "gcr.io", namespace: "p")) == nil)
        for (kind, namespace) in [
            (RegistryKind.hub, "Acme"), (.hub, "a/b"), (.github, "a/b"), (.github, "-a"), (.gitlab, "a//b"), (.gitlab, "a b"), (.hub, ""),
        ] {
            #expect(throws: RegistryError.self, "\(kind) \(namespace)") {
                try HostedRegistryAPI.of(Fixtures.registry(kind: kind, url: nil, namespace: namespace))
            }
        }
        #expect(throws: RegistryError.self) { try HostedRegistryAPI.of(Fixtures.registry(kind: .hub, url: nil, namespace: nil)) }
        for apiURL in ["ftp://gitlab.example.com", "gitlab.example.com", "https://user:pw@gitlab.example.com", "https://gitlab.example.com/?x=1"] {
            #expect(throws: RegistryError.self, "\(apiURL)") {
                try HostedRegistryAPI.of(Fixtures.registry(kind: .gitlab, url: nil, namespace: "ops", apiURL: apiURL))
            }
        }
    }
}
