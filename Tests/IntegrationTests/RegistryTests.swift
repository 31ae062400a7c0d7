import CoxswainContainerEngine
import Foundation
import Testing

/// Team registries end to end, through the real CLI against the real `docker-registry` of
/// `scripts/engine.sh` (htpasswd Basic auth, plain HTTP on loopback): add with a wrong password
/// (check refuses it), fix it, browse repositories, tags and a tag's details, pull through the
/// registry on two nodes with its credentials sealed to each node, a missing tag, bad input.
extension PlatformTests {
    /// A call to the Gateway's UNIX socket as the local operator: (status, body).
    func socketCall(_ p: TestPlatform, _ method: String, _ path: String, body: String? = nil) async throws -> (Int, String) {
        var args = ["-s", "-w", "\n%{http_code}", "--unix-socket", p.socketPath, "-X", method]
        if let body { args += ["-H", "content-type: application/json", "--data-binary", body] }
        let r = try await runCommand("/usr/bin/curl", args + ["http://localhost\(path)"])
        var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    @Test(
        "registries: add, check (wrong password refused), browse, pull through the registry on two nodes, a missing tag, bad input, no secret shown",
        .enabled(if: engineSocket != nil, "needs COXSWAIN_ENGINE_SOCKET (scripts/test.sh starts scripts/engine.sh)"), .timeLimit(.minutes(4)))
    func registries() async throws {
        let environment = ProcessInfo.processInfo.environment
        let url = environment["COXSWAIN_REGISTRY_URL"] ?? "127.0.0.1:25510"
        let user = environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain"
        let password = environment["COXSWAIN_REGISTRY_PASSWORD"] ?? ""
        let engine = Self.engine()
        // The pull below must fetch: forget the local copy of :2 first (tests share one engine).
        _ = try? await engine.removeImage("\(url)/demo/httpd:2", force: true)

        try await TestPlatform.with(nodes: []) { p in
            for node in ["node-a", "node-b"] {
                try await p.enrolDeployer(node, extraArguments: ["--set", "deployer.container_socket=\(Self.engineSocket ?? "")"])
            }
            try await eventually("both nodes online with an engine") {
                let r = try await p.cli(["manage", "--list-nodes"])
                return r.stdout.components(separatedBy: "podman").count == 3
            }

            // 1. Added with a wrong password: stored, but check says 401.
            let added = try await p.cli(
                ["registry", "add", "local", "--kind", "v2", "--server", url, "--plain-http", "--username", user, "--password-stdin"], stdin: "wrong-password")
            #expect(added.status == 0 && added.stdout.contains("password set") && !added.stdout.contains("wrong-password"), "\(added)")
            let refused = try await p.cli(["registry", "check", "local"])
            #expect(refused.status == 1 && refused.stdout.contains("401"), "\(refused)")

            // 2. The right password (from the environment this time): check passes.
            let updated = try await p.cli(["registry", "update", "local"], extraEnvironment: ["COXSWAIN_REGISTRY_PASSWORD": password])
            #expect(updated.status == 0, "\(updated)")
            let checked = try await p.cli(["registry", "check", "local"])
            #expect(checked.status == 0 && checked.stdout.contains("ok"), "\(checked)")

            // 3. Listings never hold the password; at rest it is sealed.
            let listed = try await p.cli(["registry", "list"])
            #expect(listed.status == 0 && listed.stdout.contains("local") && listed.stdout.contains("password set"), "\(listed)")
            let json = try await p.cli(["registry", "show", "local", "--output", "json"])
            #expect(json.status == 0 && json.stdout.contains("\"hasPassword\"") && !json.stdout.contains(password), "\(json)")
            #expect(try await p.sql("SELECT position(convert_to('\(password)', 'UTF8') in password_sealed) FROM registries WHERE name = 'local'") == "0")

            // 4. Browse: repositories, tags, one tag's details.
            let repositories = try await p.cli(["registry", "browse", "local"])
            #expect(repositories.status == 0 && repositories.stdout.contains("demo/httpd"), "\(repositories)")
            let tags = try await p.cli(["registry", "browse", "local", "demo/httpd"])
            #expect(tags.status == 0 && tags.stdout.contains("demo/httpd:1") && tags.stdout.contains("demo/httpd:2"), "\(tags)")
            let details = try await p.cli(["registry", "browse", "local", "demo/httpd:1"])
            #expect(details.status == 0 && details.stdout.contains("digest:    sha256:") && details.stdout.contains("linux/amd64"), "\(details)")

            // 5. A tag the registry does not have: refused by the Gateway, nothing sent to a node.
            let jobsBefore = try await p.sql("SELECT count(*) FROM jobs")
            let missing = try await p.cli(["image", "pull", "demo/httpd:nope", "--registry", "local"])
            #expect(missing.status != 0 && missing.stderr.contains("local") && missing.stderr.contains("demo/httpd:nope"), "\(missing)")
            #expect(try await p.sql("SELECT count(*) FROM jobs") == jobsBefore)

            // 6. Pull through the registry on both nodes: its credentials travel sealed in the signed task.
            let started = ContinuousClock.now
            let pulled = try await p.cli(["image", "pull", "demo/httpd:2", "--registry", "local"], timeout: .seconds(120))
            print("[figures] image pull through the registry on two nodes: \(started.duration(to: .now))")
            #expect(pulled.status == 0 && pulled.stdout.contains("node-a:") && pulled.stdout.contains("node-b:"), "\(pulled)")
            #expect(pulled.stdout.contains("\(url)/demo/httpd:2"), "\(pulled)")
            #expect(
                try await p.sql("SELECT secret_names FROM jobs WHERE verb = 'CONTAINER' ORDER BY created_at DESC LIMIT 1").contains("COXSWAIN_REGISTRY_AUTH"))
            let images = try await p.cli(["image", "list", "--node", "node-a"])
            #expect(images.stdout.contains("demo/httpd:2"), "\(images)")

            // 6b. container run through the registry on node-a, answering on loopback; the name is refused twice.
            let prefix = "rg\(String(UInt32.random(in: 0...0xFF_FFFF), radix: 16))"
            let port = TestPlatform.freePort()
            let runStarted = ContinuousClock.now
            let run = try await p.cli(
                [
                    "container", "run", "demo/httpd:1", "--registry", "local", "--prefix", prefix, "--name", "web", "-p", "127.0.0.1:\(port):8080", "--node",
                    "node-a",
                ],
                timeout: .seconds(120))
            print("[figures] container run (pull + create + start) through the CLI: \(runStarted.duration(to: .now))")
            #expect(run.status == 0 && run.stdout.contains("\"started\":\"\(prefix)-web\""), "\(run)")
            let page = try await runCommand(
                "/usr/bin/curl", ["-sS", "--max-time", "5", "--retry", "10", "--retry-connrefused", "--retry-delay", "0", "http://127.0.0.1:\(port)/"])
            #expect(page.stdout == "hello from coxswain\n", "\(page)")
            let again = try await p.cli(["container", "run", "demo/httpd:1", "--registry", "local", "--prefix", prefix, "--name", "web", "--node", "node-a"])
            #expect(again.status == 1 && again.stdout.contains("\(prefix)-web"), "\(again)")
            let badPort = try await p.cli(["container", "run", "demo/httpd:1", "--prefix", prefix, "--name", "x", "-p", "99999:80"])
            #expect(badPort.status != 0 && badPort.stderr.contains("99999:80"), "\(badPort)")
            let labelled = try await p.cli(["container", "list", "--prefix", prefix, "--node", "node-a", "--output", "json"])
            // The team label comes from the caller's team (the node's JSON answer, escaped inside the job document).
            #expect(labelled.stdout.contains(#"io.coxswain.team\":\"default"#), "\(labelled)")
            let cleaned = try await p.cli(["container", "remove", "--prefix", prefix, "--force", "--node", "node-a"])
            #expect(cleaned.status == 0, "\(cleaned)")

            // 7. Bad input: each a 4xx (or a usage error) with the reason, nothing stored.
            let badKind = try await p.cli(["registry", "add", "x", "--kind", "quay"])
            #expect(badKind.status == 64 && badKind.stderr.contains("--kind must be one of"), "\(badKind)")
            let (schemeStatus, schemeBody) = try await socketCall(p, "POST", "/v1/registries", body: #"{"name":"x","kind":"v2","url":"https://r.example.com"}"#)
            #expect(schemeStatus == 400 && schemeBody.contains("url") && schemeBody.contains("scheme"), "\(schemeBody)")
            let (kindStatus, _) = try await socketCall(p, "POST", "/v1/registries", body: #"{"name":"x","kind":"quay"}"#)
            #expect(kindStatus == 400)
            let (dupStatus, dupBody) = try await socketCall(p, "POST", "/v1/registries", body: #"{"name":"local","kind":"unchecked"}"#)
            #expect(dupStatus == 409 && dupBody.contains("local"), "\(dupBody)")
            let badTag = try await p.cli(["image", "pull", "demo/httpd:-bad", "--registry", "local"])
            #expect(badTag.status != 0 && badTag.stderr.contains("not a tag"), "\(badTag)")
            let unknown = try await p.cli(["image", "pull", "demo/httpd:1", "--registry", "ghost"])
            #expect(unknown.status != 0 && unknown.stderr.contains("no such registry"), "\(unknown)")
            let (browseStatus, browseBody) = try await socketCall(p, "GET", "/v1/registries/local/browse?repository=Bad%20Name")
            #expect(browseStatus == 400 && browseBody.contains("Bad Name"), "\(browseBody)")
            #expect(try await p.sql("SELECT count(*) FROM registries") == "1")

            // 8. The audit trail has the changes and the checks, never the password.
            try await eventually("registry actions audited") {
                Int(try await p.sql("SELECT count(*) FROM audit_events WHERE action LIKE 'registry.%'")) ?? 0 >= 4
            }
            #expect(
                try await p.sql("SELECT count(*) FROM audit_events WHERE payload::text LIKE '%\(password)%' OR payload::text LIKE '%wrong-password%'") == "0")

            // 9. Removed.
            let removed = try await p.cli(["registry", "remove", "local"])
            #expect(removed.status == 0, "\(removed)")
            #expect(try await p.sql("SELECT count(*) FROM registries") == "0")
        }
    }
}
