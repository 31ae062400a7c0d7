import CoxswainCore
import Foundation
import Testing

@Suite("Registry requests and image references")
struct RegistryRulesTests {
    static func problem(_ r: RegistryRequest) -> RegistryProblem? {
        if case .failure(let p) = RegistryDraft.adding(r) { return p }
        return nil
    }

    @Test("valid registries of every kind are accepted")
    func validKinds() {
        let good: [RegistryRequest] = [
            RegistryRequest(name: "local", kind: .v2, url: "127.0.0.1:25500", plainHTTP: true, username: "coxswain", password: "pw"),
            RegistryRequest(name: "sub", kind: .v2, url: "registry.example.com/team/apps"),
            RegistryRequest(name: "hub", kind: .hub, namespace: "library"),
            RegistryRequest(name: "gh", kind: .github, namespace: "acme", username: "bot", password: "ghp_x"),
            RegistryRequest(name: "gl", kind: .gitlab, namespace: "group/sub"),
            RegistryRequest(name: "gl-self", kind: .gitlab, url: "registry.example.org", namespace: "ops", apiURL: "https://gitlab.example.org"),
            RegistryRequest(name: "gcr", kind: .google, url: "europe-docker.pkg.dev", namespace: "my-project", username: "_json_key", password: "{}"),
            RegistryRequest(name: "on-node", kind: .unchecked),
            RegistryRequest(name: "quay", kind: .unchecked, url: "quay.io"),
        ]
        for r in good { #expect(Self.problem(r) == nil, "\(r.name ?? ""): \(String(describing: Self.problem(r)))") }
    }

    @Test("each bad field is named")
    func badFields() {
        let cases: [(RegistryRequest, String, String)] = [
            (RegistryRequest(kind: .v2, url: "x"), "name", "needs a name"),
            (RegistryRequest(name: "x"), "kind", "needs a kind"),
            (RegistryRequest(name: "Bad_Name", kind: .v2, url: "x"), "name", "not a registry name"),
            (RegistryRequest(name: "x", kind: .v2), "url", "needs its url"),
            (RegistryRequest(name: "x", kind: .v2, url: "https://registry.example.com"), "url", "without a scheme"),
            (RegistryRequest(name: "x", kind: .v2, url: "host:99999"), "url", "not a port"),
            (RegistryRequest(name: "x", kind: .v2, url: "host/Bad Path"), "url", "without spaces"),
            (RegistryRequest(name: "x", kind: .hub), "namespace", "needs a namespace"),
            (RegistryRequest(name: "x", kind: .hub, url: "quay.io", namespace: "a"), "url", "always docker.io"),
            (RegistryRequest(name: "x", kind: .gitlab, url: "registry.example.org", namespace: "a"), "apiURL", "self-managed"),
            (RegistryRequest(name: "x", kind: .google, url: "quay.io", namespace: "p"), "url", "gcr.io"),
            (RegistryRequest(name: "x", kind: .v2, url: "h", apiURL: "https://x"), "apiURL", "gitlab"),
            (RegistryRequest(name: "x", kind: .v2, url: "h", password: "pw"), "username", "needs a username"),
            (RegistryRequest(name: "x", kind: .unchecked, username: "u", password: "p"), "username", "takes no credentials"),
            (RegistryRequest(name: "x", kind: .v2, url: "h", username: "a:b", password: "p"), "username", "without ':'"),
        ]
        for (request, field, words) in cases {
            let p = Self.problem(request)
            #expect(p?.field == field && p?.message.contains(words) == true, "\(request): \(String(describing: p))")
        }
    }

    @Test("an update merges over the stored registry; clearing credentials and setting new ones is refused")
    func updates() throws {
        let stored = RegistryInfo(
            id: "1", name: "local", kind: .v2, url: "127.0.0.1:1", namespace: nil, apiURL: nil, plainHTTP: true, username: "u", hasPassword: true,
            description: nil, createdAt: Date(), updatedAt: Date())
        let renamed = try RegistryDraft.updating(stored, with: RegistryRequest(name: "renamed", description: "note")).get()
        #expect(renamed.name == "renamed" && renamed.url == "127.0.0.1:1" && renamed.hasPassword && renamed.description == "note")
        let cleared = try RegistryDraft.updating(stored, with: RegistryRequest(clearCredentials: true)).get()
        #expect(cleared.username == nil && !cleared.hasPassword)
        guard case .failure(let both) = RegistryDraft.updating(stored, with: RegistryRequest(password: "x", clearCredentials: true)) else {
            Issue.record("clear and set both accepted")
            return
        }
        #expect(both.field == "clearCredentials")
        guard case .failure(let noURL) = RegistryDraft.updating(stored, with: RegistryRequest(url: "")) else {
            Issue.record("a v2 registry without url accepted")
            return
        }
        #expect(noURL.field == "url")
    }

    static func registry(_ kind: RegistryKind, url: String? = nil, namespace: String? = nil) -> RegistryInfo {
        RegistryInfo(
            id: "1", name: "r", kind: kind, url: url, namespace: namespace, apiURL: nil, plainHTTP: false, username: nil, hasPassword: false,
            description: nil, createdAt: Date(), updatedAt: Date())
    }

    @Test("image references are completed with the registry's host, path and namespace")
    func imagePaths() throws {
        let local = Self.registry(.v2, url: "127.0.0.1:25500")
        #expect(try ImagePath.resolve("demo/httpd:1", in: local).get().description == "127.0.0.1:25500/demo/httpd:1")
        #expect(try ImagePath.resolve("127.0.0.1:25500/demo/httpd:2", in: local).get().description == "127.0.0.1:25500/demo/httpd:2")
        #expect(try ImagePath.resolve("demo/httpd", in: local).get().tag == "latest")
        let digest = "sha256:" + String(repeating: "a", count: 64)
        let pinned = try ImagePath.resolve("demo/httpd@\(digest)", in: local).get()
        #expect(pinned.tag == nil && pinned.digest == digest)
        #expect(try ImagePath.resolve("apps/web:2", in: Self.registry(.v2, url: "r.example.com/team")).get().description == "r.example.com/team/apps/web:2")
        #expect(try ImagePath.resolve("nginx", in: Self.registry(.hub, namespace: "library")).get().description == "docker.io/library/nginx:latest")
        #expect(try ImagePath.resolve("web:1", in: Self.registry(.hub, namespace: "acme")).get().description == "docker.io/acme/web:1")
        #expect(try ImagePath.resolve("web:1", in: Self.registry(.github, namespace: "acme")).get().description == "ghcr.io/acme/web:1")
        #expect(try ImagePath.resolve("acme/web:1", in: Self.registry(.github, namespace: "acme")).get().description == "ghcr.io/acme/web:1")
    }

    @Test("bad image references are refused with the reason")
    func badImages() {
        let local = Self.registry(.v2, url: "127.0.0.1:25500")
        let cases: [(String, String)] = [
            ("demo/httpd:bad tag", "without spaces"),
            ("demo/httpd:-x", "not a tag"),
            ("demo/httpd:" + String(repeating: "a", count: 129), "not a tag"),
            ("Demo/httpd:1", "not a repository name"),
            ("demo//httpd:1", "not a repository name"),
            ("demo/httpd@sha256:xyz", "not a digest"),
            ("quay.io/demo/httpd:1", "names the host quay.io"),
            ("", "an image reference"),
        ]
        for (image, words) in cases {
            guard case .failure(let p) = ImagePath.resolve(image, in: local) else {
                Issue.record("'\(image)' accepted")
                continue
            }
            #expect(p.message.contains(words), "\(image): \(p.message)")
        }
        #expect(ImagePath.isRepository("a/b-c/d__e.f") && !ImagePath.isRepository("a/-b") && !ImagePath.isRepository("a/b_"))
    }
}
