import Foundation
import Testing

/// Accounts and transport through the real CLI and Gateway: `user list|show|disable|enable|remove|passwd`,
/// `token list|revoke` with the last use, and HTTPS with a self-signed certificate and `--ca-file`.
extension PlatformTests {
    static func jsonObject(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    static func jsonArray(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    @Test("user accounts: list, show, passwd, disable stops logins, sessions and tokens, remove, the last owner stays", .timeLimit(.minutes(4)))
    func userAccountsEndToEnd() async throws {
        try await TestPlatform.with(nodes: [], audit: true) { p in
            let url = "http://127.0.0.1:\(p.httpPort)"
            let password = "bob-first-password"
            for (user, role) in [("alice", "admin"), ("bob", "member"), ("carol", "viewer"), ("olivia", "owner")] {
                let r = try await p.cli(["user", "create", user, "--role", role, "--password-stdin"], stdin: user == "bob" ? password : "\(user)-password-1")
                #expect(r.status == 0, "\(r)")
            }
            // Each person keeps their own saved session.
            func asUser(_ user: String, _ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
                try await p.cli(arguments + ["--url", url], stdin: stdin, extraEnvironment: ["COXSWAIN_CONFIG_DIR": p.directory + "/cli-\(user)"])
            }
            func login(_ user: String, _ secret: String) async throws -> CommandResult {
                try await asUser(user, ["login", "--user", user, "--password-stdin"], stdin: secret)
            }

            // The socket's local operator (owner) lists the team's accounts.
            let list = try await p.cli(["user", "list", "--output", "json"])
            #expect(list.status == 0, "\(list)")
            let accounts = Self.jsonArray(list.stdout)
            #expect(Set(accounts.compactMap { $0["name"] as? String }) == ["alice", "bob", "carol", "olivia"], "\(list)")
            #expect(accounts.allSatisfy { ($0["disabled"] as? Bool) == false })
            let table = try await p.cli(["user", "list"])
            #expect(table.stdout.contains("LAST LOGIN") && table.stdout.contains("enabled"), "\(table)")

            // bob: a member sees his own account, not others', and cannot list.
            #expect(try await login("bob", password).status == 0)
            let own = try await asUser("bob", ["user", "show", "--output", "json"])
            #expect(own.status == 0 && Self.jsonObject(own.stdout)["name"] as? String == "bob", "\(own)")
            #expect(Self.jsonObject(own.stdout)["lastLoginAt"] != nil, "\(own)")
            let others = try await asUser("bob", ["user", "show", "alice"])
            #expect(others.status == 2 && others.stderr.contains("no such member"), "\(others)")
            let denied = try await asUser("bob", ["user", "list"])
            #expect(denied.status == 2 && denied.stderr.contains("admin"), "\(denied)")

            // A token's last use is recorded, at most once a minute.
            let made = try await asUser("bob", ["token", "create", "ci", "--expires-in", "1d", "--output", "json"])
            let secret = Self.jsonObject(made.stdout)["secret"] as? String ?? ""
            #expect(made.status == 0 && secret.hasPrefix("cxt_"), "\(made)")
            let bearer = ["Authorization: Bearer \(secret)"]
            #expect(try await p.http("GET", "/v1/whoami", headers: bearer).0 == 200)
            let firstUse = try await p.sql("SELECT last_used_at FROM api_tokens WHERE name = 'ci'")
            #expect(!firstUse.isEmpty)
            #expect(try await p.http("GET", "/v1/whoami", headers: bearer).0 == 200)
            #expect(try await p.sql("SELECT last_used_at FROM api_tokens WHERE name = 'ci'") == firstUse, "written again within a minute")
            let tokens = try await asUser("bob", ["token", "list"])
            #expect(tokens.stdout.contains("LAST USED") && tokens.stdout.contains("active") && !tokens.stdout.contains(secret), "\(tokens)")
            let tokensJSON = Self.jsonArray(try await asUser("bob", ["token", "list", "--output", "json"]).stdout)
            #expect(tokensJSON.first { $0["name"] as? String == "ci" }?["lastUsedAt"] is String, "\(tokensJSON)")

            // passwd: the current password is needed; the old one stops working, the new one works.
            let wrong = try await asUser("bob", ["user", "passwd", "--password-stdin"], stdin: "not-my-password\nbob-second-password")
            #expect(wrong.status == 2 && wrong.stderr.contains("current password"), "\(wrong)")
            let changed = try await asUser("bob", ["user", "passwd", "--password-stdin"], stdin: "\(password)\nbob-second-password")
            #expect(changed.status == 0, "\(changed)")
            #expect(try await asUser("bob", ["whoami"]).status == 0, "the session the change came with ends")
            #expect(try await p.http("POST", "/v1/login", body: #"{"user":"bob","password":"\#(password)"}"#).0 == 401)
            #expect(try await login("bob", "bob-second-password").status == 0)

            // disable: no login, the session and the token stop working; enable brings the token back.
            let disabled = try await p.cli(["user", "disable", "bob", "--output", "json"])
            #expect(disabled.status == 0 && Self.jsonObject(disabled.stdout)["disabled"] as? Bool == true, "\(disabled)")
            #expect(try await p.http("GET", "/v1/whoami", headers: bearer).0 == 401)
            #expect(try await asUser("bob", ["whoami"]).status == 2)
            #expect(try await p.http("POST", "/v1/login", body: #"{"user":"bob","password":"bob-second-password"}"#).0 == 401)
            let shown = try await p.cli(["user", "show", "bob"])
            #expect(shown.stdout.contains("disabled") && shown.stdout.contains("ci"), "\(shown)")
            #expect(try await p.cli(["user", "enable", "bob"]).status == 0)
            #expect(try await p.http("GET", "/v1/whoami", headers: bearer).0 == 200)
            #expect(try await asUser("bob", ["whoami"]).status == 2, "disabling ended the session for good")

            // An admin resets a member's password; revoking a token by its name.
            #expect(try await login("alice", "alice-password-1").status == 0)
            let reset = try await asUser("alice", ["user", "passwd", "bob", "--password-stdin"], stdin: "bob-reset-password")
            #expect(reset.status == 0, "\(reset)")
            #expect(try await p.http("POST", "/v1/login", body: #"{"user":"bob","password":"bob-reset-password"}"#).0 == 200)
            let revoked = try await asUser("alice", ["token", "revoke", "ci"])
            #expect(revoked.status == 0, "\(revoked)")
            #expect(try await p.http("GET", "/v1/whoami", headers: bearer).0 == 401)

            // Owners: an admin cannot touch an owner's account; the last owner is neither disabled nor removed.
            let adminOnOwner = try await asUser("alice", ["user", "disable", "olivia"])
            #expect(adminOnOwner.status == 2 && adminOnOwner.stderr.contains("only an owner"), "\(adminOnOwner)")
            let lastOwnerDisabled = try await p.cli(["user", "disable", "olivia"])
            #expect(lastOwnerDisabled.status == 2 && lastOwnerDisabled.stderr.contains("last owner"), "\(lastOwnerDisabled)")
            let lastOwnerRemoved = try await p.cli(["user", "remove", "olivia"])
            #expect(lastOwnerRemoved.status == 2 && lastOwnerRemoved.stderr.contains("last owner"), "\(lastOwnerRemoved)")
            let selfDisable = try await asUser("alice", ["user", "disable", "alice"])
            #expect(selfDisable.status == 2 && selfDisable.stderr.contains("your own"), "\(selfDisable)")

            // A user of another team: their account is not this team's to disable; removal takes the membership only.
            #expect(try await login("olivia", "olivia-password-1").status == 0)
            #expect(try await asUser("olivia", ["team", "create", "ops"]).status == 0)
            let invitation = try await asUser("olivia", ["team", "invite", "--role", "viewer", "--team", "ops", "--output", "json"])
            let code = Self.jsonObject(invitation.stdout)["invitation"] as? String ?? ""
            #expect(invitation.status == 0 && !code.isEmpty, "\(invitation)")
            #expect(try await p.cli(["team", "join", code, "--user", "bob", "--password-stdin", "--url", url], stdin: "bob-reset-password").status == 0)
            let shared = try await p.cli(["user", "disable", "bob"])
            #expect(shared.status == 2 && shared.stderr.contains("another team"), "\(shared)")
            #expect(try await p.cli(["user", "remove", "bob"]).status == 0)
            #expect(try await p.http("POST", "/v1/login", body: #"{"user":"bob","password":"bob-reset-password"}"#).0 == 200, "bob's account stays with ops")
            // carol's only team: the account goes and the name is free again.
            #expect(try await p.cli(["user", "remove", "carol"]).status == 0)
            #expect(try await p.http("POST", "/v1/login", body: #"{"user":"carol","password":"carol-password-1"}"#).0 == 401)
            #expect(try await p.cli(["user", "create", "carol", "--role", "viewer", "--password-stdin"], stdin: "carol-password-2").status == 0)

            // Every change is audited; no password or token in any log.
            try await eventually("account changes audited") {
                let actions = Set(
                    try await p.sql("SELECT DISTINCT action FROM audit_events WHERE action LIKE 'user.%'").split(separator: "\n").map(String.init))
                return ["user.disable", "user.enable", "user.remove", "user.password"].allSatisfy(actions.contains)
            }
            for leaked in [secret, password, "bob-second-password", "bob-reset-password"] {
                #expect(!p.log("gateway", lines: 100_000).contains(leaked), "a secret in the gateway log")
            }
        }
    }

    @Test("HTTPS: the Gateway serves TLS with a certificate and key; the CLI verifies it with --ca-file", .timeLimit(.minutes(3)))
    func gatewayServesHTTPS() async throws {
        let directory = NSTemporaryDirectory() + "cx-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificate = directory + "/gateway.crt"
        let key = directory + "/gateway.key"
        let made = try await runCommand(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ])
        #expect(made.status == 0, "\(made)")
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.tls_certificate=\(certificate)", "gateway.tls_key=\(key)"]) { p in
            let url = "https://127.0.0.1:\(p.httpPort)"
            let health = try await runCommand("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificate, url + "/v1/health"])
            #expect(health.stdout == "200", "\(health)")
            // Plain HTTP to the TLS port gets no answer.
            let plain = try await runCommand(
                "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "http://127.0.0.1:\(p.httpPort)/v1/health"])
            #expect(plain.stdout != "200", "\(plain)")

            #expect(try await p.cli(["user", "create", "tess", "--role", "admin", "--password-stdin"], stdin: "tess-password-1").status == 0)
            let config = ["COXSWAIN_CONFIG_DIR": p.directory + "/cli-tess"]
            // Without the CA the certificate is refused, and the message says what to do.
            let untrusted = try await p.cli(["login", "--url", url, "--user", "tess", "--password-stdin"], stdin: "tess-password-1", extraEnvironment: config)
            #expect(untrusted.status == 2 && untrusted.stderr.contains("--ca-file"), "\(untrusted)")
            let missing = try await p.cli(["whoami", "--url", url, "--ca-file", directory + "/nope.crt"], extraEnvironment: config)
            #expect(missing.status == 2 && missing.stderr.contains("cannot read the CA file"), "\(missing)")
            // With it: login; later commands reuse the saved session and its CA file.
            let login = try await p.cli(
                ["login", "--url", url, "--ca-file", certificate, "--user", "tess", "--password-stdin"], stdin: "tess-password-1", extraEnvironment: config)
            #expect(login.status == 0, "\(login)")
            let me = try await p.cli(["whoami", "--url", url], extraEnvironment: config)
            #expect(me.status == 0 && me.stdout.contains("tess"), "\(me)")
            // A token with COXSWAIN_CA_FILE.
            let token = try await p.cli(["token", "create", "tls", "--url", url, "--output", "json"], extraEnvironment: config)
            let secret = Self.jsonObject(token.stdout)["secret"] as? String ?? ""
            #expect(token.status == 0 && !secret.isEmpty, "\(token)")
            let viaEnvironment = try await p.cli(
                ["user", "list", "--url", url, "--token", secret],
                extraEnvironment: ["COXSWAIN_CA_FILE": certificate, "COXSWAIN_CONFIG_DIR": directory + "/none"])
            #expect(viaEnvironment.status == 0 && viaEnvironment.stdout.contains("tess"), "\(viaEnvironment)")
            #expect(!viaEnvironment.stderr.contains("warning"), "no plain-HTTP warning over HTTPS: \(viaEnvironment)")
        }
    }
}
