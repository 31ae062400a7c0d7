import CoxswainCore
import Foundation
import Testing

@testable import CoxswainRegistry

/// Against the real registry of `scripts/engine.sh` (Distribution 2.8, plain HTTP, htpasswd Basic auth):
///
///     RUN_DIR=$PWD/.run-engine scripts/engine.sh start && . .run-engine/engine.env
///     COXSWAIN_INTEGRATION=1 swift test --filter RegistryTests
@Suite("Registry client against the local registry", .enabled(if: RegistryFixture.enabled, RegistryFixture.skipReason), .timeLimit(.minutes(2)))
struct LocalRegistryTests {
    @Test("check passes with the right password (basic) and says 401 with a wrong one and with none")
    func check() async throws {
        let started = ContinuousClock.now
        let ok = await RegistryFixture.client().check()
        let elapsed = ContinuousClock.now - started
        print("[figures] check (basic, local registry): \(Fixtures.milliseconds(elapsed)) ms, reported \(ok.milliseconds ?? -1) ms")
        #expect(ok.ok, "\(ok.message)")
        #expect(ok.authScheme == "basic")
        #expect(ok.message.contains("accepted the credentials of user \(RegistryFixture.login.username)"))

        let wrong = await RegistryFixture.client(login: RegistryLogin(username: RegistryFixture.login.username, password: "wrong-password-123")).check()
        #expect(!wrong.ok)
        #expect(wrong.message.hasPrefix("401 unauthorized"), "\(wrong.message)")
        #expect(!wrong.message.contains("wrong-password-123"))
        #expect(wrong.authScheme == "basic")

        let none = await RegistryFixture.client(login: nil).check()
        #expect(!none.ok)
        #expect(none.message.hasPrefix("401 unauthorized"), "\(none.message)")
        #expect(none.message.contains("none are stored"))
    }

    @Test("repositories include demo/httpd; tags of demo/httpd are 1 and 2")
    func browse() async throws {
        let client = RegistryFixture.client()
        var started = ContinuousClock.now
        let repositories = try await client.repositories()
        print("[figures] catalog (\(repositories.repositories.count) repositories): \(Fixtures.milliseconds(ContinuousClock.now - started)) ms")
        #expect(repositories.repositories.contains("demo/httpd"))
        #expect(!repositories.truncated)

        started = ContinuousClock.now
        let tags = try await client.tags(repository: "demo/httpd")
        print("[figures] tags/list of demo/httpd: \(Fixtures.milliseconds(ContinuousClock.now - started)) ms")
        #expect(tags == RegistryTagList(repository: "demo/httpd", tags: ["1", "2"], truncated: false))
    }

    @Test("tag details of demo/httpd:1: digest, created, platform, size")
    func details() async throws {
        let client = RegistryFixture.client()
        let started = ContinuousClock.now
        let details = try await client.tagDetails(repository: "demo/httpd", tag: "1")
        print("[figures] tag details of demo/httpd:1 (manifest + config): \(Fixtures.milliseconds(ContinuousClock.now - started)) ms")
        let digest = try #require(details.digest)
        #expect(ImageDigest(digest) != nil, "\(digest)")
        #expect(details.created != nil)
        #expect(details.platforms == ["linux/amd64"])
        #expect((details.size ?? 0) > 1_000_000, "the busybox layer is about 1 MB")
        #expect([ManifestDocument.ociManifest, ManifestDocument.dockerManifest].contains(details.mediaType ?? ""))
        // A second call on the same client reuses the learned scheme (no 401 round trip) and agrees.
        #expect(try await client.tagDetails(repository: "demo/httpd", tag: "1") == details)
    }

    @Test("a missing repository and a missing tag are notFound naming them")
    func missing() async throws {
        let client = RegistryFixture.client()
        let host = try #require(RegistryFixture.hostPort)
        await #expect(throws: RegistryError.notFound("repository demo/no-such-repo not found in registry local at \(host)")) {
            try await client.tags(repository: "demo/no-such-repo")
        }
        await #expect(throws: RegistryError.notFound("tag demo/httpd:no-such-tag not found in registry local at \(host)")) {
            try await client.tagDetails(repository: "demo/httpd", tag: "no-such-tag")
        }
        await #expect(throws: RegistryError.notFound("repository demo/no-such-repo not found in registry local at \(host)")) {
            try await client.tagDetails(repository: "demo/no-such-repo", tag: "1")
        }
        // A wrong password while browsing is a typed error without the password.
        let wrong = RegistryFixture.client(login: RegistryLogin(username: "coxswain", password: "not-the-password"))
        do throws(RegistryError) {
            _ = try await wrong.tags(repository: "demo/httpd")
            Issue.record("tags with a wrong password")
        } catch {
            guard case .unauthorized(let message) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(message.hasPrefix("401 unauthorized: registry local"))
            #expect(!message.contains("not-the-password"))
        }
    }

    @Test("pagination: catalog and tags follow Link with a page of one; limit truncates; a sub-path filters")
    func pagination() async throws {
        let prefix = RegistryFixture.unique("page")
        let names = ["\(prefix)/a", "\(prefix)/b", "\(prefix)/c"]
        for name in names { try await RegistryFixture.pusher.pushImage(name, tag: "1") }
        for tag in ["2", "3"] { try await RegistryFixture.pusher.pushImage(names[0], tag: tag) }

        let paged = RegistryFixture.client(pageSize: 1)
        var started = ContinuousClock.now
        let all = try await paged.repositories()
        print("[figures] catalog with a page of 1 (\(all.repositories.count) pages): \(Fixtures.milliseconds(ContinuousClock.now - started)) ms")
        #expect(Set(names + ["demo/httpd"]).isSubset(of: Set(all.repositories)))
        #expect(!all.truncated)

        let limited = try await paged.repositories(limit: 2)
        #expect(limited.repositories.count == 2)
        #expect(limited.truncated)

        started = ContinuousClock.now
        let tags = try await paged.tags(repository: names[0])
        print("[figures] tags/list of 3 tags with n=1: \(Fixtures.milliseconds(ContinuousClock.now - started)) ms")
        #expect(tags == RegistryTagList(repository: names[0], tags: ["1", "2", "3"], truncated: false))
        // Distribution 2.8 ignores `n` for tags (one page, in no order): the limit still cuts it.
        let limitedTags = try await paged.tags(repository: names[0], limit: 2)
        #expect(limitedTags.tags.count == 2)
        #expect(Set(limitedTags.tags).isSubset(of: ["1", "2", "3"]))
        #expect(limitedTags.truncated)

        let scoped = try await RegistryFixture.client(subPath: prefix, pageSize: 2).repositories()
        #expect(scoped == RegistryRepositoryList(repositories: names, truncated: false))
    }

    @Test("an index: platforms of every entry, details of linux/amd64, labels and created from its config")
    func index() async throws {
        let name = RegistryFixture.unique("index") + "/multi"
        let image = try await RegistryFixture.pusher.pushImage(
            name, tag: "single", labels: ["org.opencontainers.image.title": "multi", "team": "a"], created: "2026-01-02T03:04:05.123456789Z")
        let indexDigest = try await RegistryFixture.pusher.pushIndex(
            name, tag: "multi", image: image,
            platforms: [("linux", "arm64", "v8"), ("linux", "amd64", nil), ("unknown", "unknown", nil)])
        let details = try await RegistryFixture.client().tagDetails(repository: name, tag: "multi")
        #expect(details.digest == indexDigest)
        #expect(details.mediaType == ManifestDocument.ociIndex)
        #expect(details.platforms == ["linux/arm64/v8", "linux/amd64"])
        #expect(details.labels == ["org.opencontainers.image.title": "multi", "team": "a"])
        #expect(details.created == RFC3339.date(from: "2026-01-02T03:04:05.123456789Z"))
        #expect(details.size == Int64(image.configSize + image.layerSize))
    }
}
