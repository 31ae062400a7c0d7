import CoxswainCore
import Foundation
import Testing

@testable import CoxswainRegistry

@Suite("Repository, tag, digest and host validation")
struct NameValidationTests {
    @Test(
        "repository names that follow Distribution's grammar",
        arguments: [
            "demo/httpd", "library/nginx", "a", "a1/b2/c3", "my.app", "my_app", "my__app", "my-app", "my---app", "0x/y.z_w__v-u",
            "ghcr/acme/team/service",
        ])
    func validRepository(_ name: String) throws {
        #expect(try RepositoryName(validating: name).value == name)
    }

    @Test(
        "repository names that break it",
        arguments: [
            "", "Demo/httpd", "demo//httpd", "/demo", "demo/", "-demo", "demo-", "de..mo", "de._mo", "de___mo", "demo/httpd:1", "demo httpd",
            "demo/../etc", "demo?x", "demo%2Fx", "démo",
        ])
    func invalidRepository(_ name: String) {
        #expect(!RepositoryName.isValid(name))
        do throws(RegistryError) {
            _ = try RepositoryName(validating: name)
            Issue.record("\(name) was accepted")
        } catch {
            guard case .invalid(let message) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(message.contains("invalid repository name"))
        }
    }

    @Test("the error names the bad value, escaped and cut")
    func invalidNamed() {
        #expect(throws: RegistryError.self) { try RepositoryName(validating: "Bad/Name") }
        #expect((try? RepositoryName(validating: "Bad/Name")) == nil)
        do throws(RegistryError) {
            _ = try RepositoryName(validating: "Bad/\"Name\"\n")
        } catch {
            #expect(error.description.contains(#"Bad/\"Name\"\n"#))
        }
        do throws(RegistryError) {
            _ = try ImageTag(validating: ".hidden")
        } catch {
            #expect(error == .invalid(error.description))
            #expect(error.description.contains("\".hidden\""))
        }
    }

    @Test("names longer than 255 characters are refused")
    func longName() {
        #expect(RepositoryName.isValid(String(repeating: "a", count: 255)))
        #expect(!RepositoryName.isValid(String(repeating: "a", count: 256)))
    }

    @Test("tags: [\\w][\\w.-]{0,127}")
    func tags() {
        for tag in ["1", "latest", "v2.3.0-rc1", "_x", "A_b.C-d", String(repeating: "a", count: 128)] { #expect(ImageTag.isValid(tag), "\(tag)") }
        for tag in ["", ".x", "-x", "a b", "a/b", "a:b", "a@b", String(repeating: "a", count: 129), "é"] { #expect(!ImageTag.isValid(tag), "\(tag)") }
    }

    @Test("digests from registry answers")
    func digests() {
        let hex = String(repeating: "ab", count: 32)
        #expect(ImageDigest("sha256:\(hex)") != nil)
        #expect(ImageDigest("sha512:\(hex)\(hex)") != nil)
        #expect(ImageDigest("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8") != nil)
        for bad in ["sha256:\(hex.uppercased())", "sha256:abc", "sha256:\(hex)/../x", "sha256", ":abc", "SHA256:\(hex)", "sha256:\(hex)?x=1"] {
            #expect(ImageDigest(bad) == nil, "\(bad)")
        }
    }

    @Test("Docker Hub: official images get library/, API host registry-1.docker.io")
    func dockerHub() throws {
        let hub = try RegistryEndpoint(Fixtures.registry(kind: .hub, url: nil, namespace: "acme"))
        #expect(hub.isDockerHub)
        #expect(hub.baseURL == "https://registry-1.docker.io")
        #expect(hub.normalized(try RepositoryName(validating: "nginx")).value == "library/nginx")
        #expect(hub.normalized(try RepositoryName(validating: "acme/web")).value == "acme/web")
        let plain = try RegistryEndpoint(Fixtures.registry(kind: .v2, url: "127.0.0.1:5000", plainHTTP: true))
        #expect(!plain.isDockerHub)
        #expect(plain.baseURL == "http://127.0.0.1:5000")
        #expect(plain.normalized(try RepositoryName(validating: "nginx")).value == "nginx")
        let v2OnHub = try RegistryEndpoint(Fixtures.registry(kind: .v2, url: "docker.io"))
        #expect(v2OnHub.apiHost == "registry-1.docker.io")
    }

    @Test("registry hosts: names, IPv4, IPv6 and ports; no schemes, credentials or junk")
    func hosts() throws {
        for host in ["registry.example.com", "127.0.0.1:5000", "[::1]:5000", "[fe80::1]", "localhost", "europe-docker.pkg.dev", "my_host:443"] {
            #expect(RegistryEndpoint.isValidHost(host), "\(host)")
        }
        for host in ["", "https:", "user:pw@host", "host:0", "host:65536", "host:abc", "-host", "ho st", "[::1", "host:1:2", "a..b"] {
            #expect(!RegistryEndpoint.isValidHost(host), "\(host)")
        }
        let endpoint = try RegistryEndpoint(Fixtures.registry(kind: .v2, url: "registry.example.com/team/apps"))
        #expect(endpoint.pathPrefix == "team/apps")
        #expect(endpoint.url("/v2/") == "https://registry.example.com/v2/")
        #expect(throws: RegistryError.self) { try RegistryEndpoint(Fixtures.registry(kind: .v2, url: "user:secret@host")) }
        #expect(throws: RegistryError.self) { try RegistryEndpoint(Fixtures.registry(kind: .v2, url: "host/Bad Path")) }
        #expect(throws: RegistryError.self) { try RegistryEndpoint(Fixtures.registry(kind: .v2, url: nil)) }
    }

    @Test("unchecked registries are unsupported, before any request")
    func unchecked() async throws {
        let client = Fixtures.client(Fixtures.registry(kind: .unchecked, url: nil))
        await #expect(throws: RegistryError.self) { try await client.repositories() }
        do throws(RegistryError) {
            _ = try await client.tags(repository: "demo/httpd")
            Issue.record("tags of an unchecked registry")
        } catch {
            guard case .unsupported = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
        let result = await client.check()
        #expect(!result.ok)
        #expect(result.message.contains("unchecked"))
    }

    @Test("invalid repository, tag and limit are refused before any request")
    func refusedBeforeRequests() async throws {
        // Port 9 (discard) on loopback: a request would fail as unreachable, not invalid.
        let client = Fixtures.client(Fixtures.registry(kind: .v2, url: "127.0.0.1:9", plainHTTP: true))
        let badName = try #require(Self.invalidMessage { () throws(RegistryError) in try RepositoryName(validating: "Demo") })
        let badTag = try #require(Self.invalidMessage { () throws(RegistryError) in try ImageTag(validating: "-x") })
        await #expect(throws: RegistryError.invalid(badName)) { try await client.tags(repository: "Demo") }
        await #expect(throws: RegistryError.invalid(badTag)) { try await client.tagDetails(repository: "demo/httpd", tag: "-x") }
        await #expect(throws: RegistryError.invalid("invalid limit 0: use 1 to 100000")) { try await client.repositories(limit: 0) }
    }

    private static func invalidMessage(_ body: () throws(RegistryError) -> Any) -> String? {
        do throws(RegistryError) {
            _ = try body()
            return nil
        } catch {
            return error.description
        }
    }
}
