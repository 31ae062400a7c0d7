import CoxswainCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The findings of the Gateway's security review, each reproduced against the real Gateway over
/// HTTP: extreme numbers, NUL characters, unbounded password work, half-open connections,
/// invitations, and name probing.
@Suite("Gateway hardening", .serialized, .enabled(if: TestEnvironment.enabled, "set COXSWAIN_INTEGRATION=1 (scripts/test.sh does)"))
struct GatewayHardeningTests {
    static let password = "correct-horse-battery"

    // MARK: Numbers

    @Test("extreme numbers in every request are a 4xx naming the field, and the Gateway lives", .timeLimit(.minutes(4)))
    func extremeNumbersAreRefused() async throws {
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.login_rate_per_minute=1000"]) { p in
            let auth = try await p.ownerHeaders()
            let digest = String(repeating: "a", count: 64)
            // Values no field accepts: huge, tiny, negative, ±2^63, beyond UInt64.
            let extremes = ["1e300", "-1e300", "9223372036854775808", "-9223372036854775808", "9223372036854775807", "18446744073709551616", "-1", "1e-300"]
            let cases: [(method: String, path: String, body: (String) -> String, field: String, values: [String])] = [
                ("POST", "/v1/nodes", { #"{"name":"n-x","expiresInSeconds":\#($0)}"# }, "expiresInSeconds", extremes + ["0", "59", "2592001"]),
                ("POST", "/v1/team/invitations", { #"{"role":"viewer","expiresInSeconds":\#($0)}"# }, "expiresInSeconds", extremes + ["0", "2592001"]),
                ("POST", "/v1/tokens", { #"{"name":"t","expiresInSeconds":\#($0)}"# }, "expiresInSeconds", extremes + ["0", "31536001"]),
                ("POST", "/v1/jobs", { #"{"verb":"ECHO","arguments":"x","timeoutSeconds":\#($0)}"# }, "timeoutSeconds", extremes + ["0", "604801"]),
                (
                    "POST", "/v1/jobs",
                    {
                        #"{"verb":"ADD","arguments":"a /tmp/b","steps":[{"verb":"ADD","arguments":"a /tmp/b","artifacts":[{"name":"a","digest":"\#(digest)","size":1,"mode":\#($0)}]}]}"#
                    },
                    "mode", extremes + ["4096", "1.5"]
                ),
                (
                    "POST", "/v1/jobs",
                    {
                        #"{"verb":"ADD","arguments":"a /tmp/b","steps":[{"verb":"ADD","arguments":"a /tmp/b","artifacts":[{"name":"a","digest":"\#(digest)","size":\#($0)}]}]}"#
                    },
                    "size", extremes
                ),
                ("POST", "/v1/bootstrap", { #"{"plan":{"hosts":[],"localSources":[]},"threads":\#($0)}"# }, "threads", extremes + ["0", "257"]),
                (
                    "POST", "/v1/bootstrap",
                    { #"{"plan":{"hosts":[{"name":"h","host":"h","port":\#($0),"username":"u","role":"client","steps":[]}],"localSources":[]}}"# },
                    "port", extremes + ["0", "65536"]
                ),
            ]
            for c in cases {
                for value in c.values {
                    let (status, body) = try await p.http(c.method, c.path, headers: auth, body: c.body(value))
                    #expect((400..<500).contains(status) && body.contains(c.field), "\(c.method) \(c.path) \(c.field)=\(value): \(status) \(body)")
                }
            }
            // Query parameters.
            let queries: [(path: String, field: String)] = [
                ("/v1/audit?since=300000-01-01T00:00:00Z", "since"), ("/v1/audit?since=-300000-01-01T00:00:00Z", "since"),
                ("/v1/audit?since=0001-01-01T00:00:00Z", "since"),
                ("/v1/audit?limit=1e300", "limit"), ("/v1/audit?limit=-9223372036854775808", "limit"), ("/v1/audit?limit=9223372036854775808", "limit"),
                ("/v1/audit?limit=0", "limit"), ("/v1/jobs?limit=9223372036854775807", "limit"), ("/v1/jobs?limit=-1", "limit"),
                ("/v1/bootstrap?limit=9223372036854775807", "limit"), ("/v1/bootstrap?limit=-9223372036854775808", "limit"),
            ]
            for q in queries {
                let (status, body) = try await p.http("GET", q.path, headers: auth)
                #expect(status == 400 && body.contains(q.field), "GET \(q.path): \(status) \(body)")
            }
            let (forget, forgetBody) = try await p.http("DELETE", "/v1/known-hosts/h?port=9223372036854775807", headers: auth)
            #expect((400..<500).contains(forget), "\(forget) \(forgetBody)")

            // Sensible values still work.
            let (added, addedBody) = try await p.http("POST", "/v1/nodes", headers: auth, body: #"{"name":"n-ok","expiresInSeconds":600}"#)
            #expect(added == 201, "\(addedBody)")
            let (invited, _) = try await p.http("POST", "/v1/team/invitations", headers: auth, body: #"{"role":"viewer","expiresInSeconds":3600}"#)
            #expect(invited == 201)
            let (sinceOK, _) = try await p.http("GET", "/v1/audit?since=2020-01-01T00:00:00Z", headers: auth)
            #expect(sinceOK == 200)

            // Alive, and nothing trapped.
            let (health, _) = try await p.http("GET", "/v1/health")
            #expect(health == 200, "gateway died: \(p.log("gateway"))")
            #expect(p.pid("gateway").map { kill($0, 0) == 0 } == true)
            #expect(!p.log("gateway", lines: 100_000).contains("Fatal error"), "\(p.log("gateway"))")
        }
    }

    // MARK: NUL

    @Test("a NUL character in any string field is a 400 naming the field", .timeLimit(.minutes(3)))
    func nulCharactersAreRefused() async throws {
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.login_rate_per_minute=1000"]) { p in
            let auth = try await p.ownerHeaders()
            let cases: [(method: String, path: String, headers: [String], body: String, field: String)] = [
                (
                    "POST", "/v1/jobs", auth,
                    #"{"verb":"RUN","arguments":"true","steps":[{"verb":"RUN","arguments":"true"},{"verb":"RUN","arguments":"true"},{"verb":"RUN","arguments":"echo a\u0000b"}]}"#,
                    "steps[2].arguments"
                ),
                ("POST", "/v1/jobs", auth, #"{"verb":"ECHO","arguments":"x","name":"\u0000"}"#, "name"),
                ("POST", "/v1/nodes", auth, #"{"name":"n","labels":{"role\u0000":"web"}}"#, "labels (a key)"),
                ("POST", "/v1/teams", auth, #"{"name":"t\u0000"}"#, "name"),
                ("POST", "/v1/tokens", auth, #"{"name":"tok\u0000en"}"#, "name"),
                ("POST", "/v1/users", auth, #"{"name":"u","password":"long-password\u0000"}"#, "password"),
                ("POST", "/v1/login", [], #"{"user":"x\u0000","password":"y"}"#, "user"),
                ("POST", "/v1/invitations/accept", [], #"{"invitation":"cxi_\u0000","user":"x","password":"y"}"#, "invitation"),
                ("POST", "/v1/enrol", [], #"{"node":"n","token":"t","machineID":"\u0000","signingPublicKey":"k","sealingPublicKey":"k"}"#, "machineID"),
                ("POST", "/v1/notifications", auth, #"{"url":"http://127.0.0.1:1/\u0000","events":["job.completed"]}"#, "url"),
            ]
            for c in cases {
                let (status, body) = try await p.http(c.method, c.path, headers: c.headers, body: c.body)
                #expect(status == 400 && body.contains("invalid_character") && body.contains(c.field), "\(c.path): \(status) \(body)")
            }
            // An escaped backslash followed by "u0000" is text, not a NUL.
            let (accepted, body) = try await p.http("POST", "/v1/jobs", headers: auth, body: #"{"verb":"ECHO","arguments":"\\u0000 is fine"}"#)
            #expect(accepted == 202, "\(body)")
            #expect(!p.log("gateway", lines: 100_000).contains("request failed"), "a NUL reached the database: \(p.log("gateway"))")
        }
    }

    // MARK: Password work

    @Test("concurrent wrong-password logins stay bounded in memory and get 429", .timeLimit(.minutes(3)))
    func passwordWorkIsBounded() async throws {
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.login_rate_per_minute=1000", "gateway.max_password_hashes=1"]) { p in
            _ = try await p.ownerHeaders(user: "victim")
            let pid = try #require(p.pid("gateway"))
            let peak = PeakRSS()
            let sampler = Task {
                while !Task.isCancelled {
                    peak.record(Self.rssMegabytes(pid))
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            let results = try await withThrowingTaskGroup(of: HTTPAnswer.self) { group in
                for i in 0..<20 {
                    group.addTask { try await p.request("POST", "/v1/login", body: #"{"user":"victim","password":"wrong-\#(i)"}"#) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            sampler.cancel()
            peak.record(Self.rssMegabytes(pid))
            let statuses = results.map(\.status)
            #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses)")
            #expect(statuses.contains(429), "\(statuses)")
            #expect(results.filter { $0.status == 429 }.allSatisfy { $0.header("Retry-After") != nil })
            #expect(peak.value < 400, "gateway RSS peaked at \(peak.value) MB")
            let (health, _) = try await p.http("GET", "/v1/health")
            #expect(health == 200)

            // An unknown user takes as long as a known one (the dummy hash).
            func seconds(_ user: String) async throws -> Double {
                var times: [Double] = []
                for _ in 0..<3 {
                    let start = ContinuousClock.now
                    let answer = try await p.request("POST", "/v1/login", body: #"{"user":"\#(user)","password":"wrong-password"}"#)
                    #expect(answer.status == 401)
                    times.append((ContinuousClock.now - start) / .seconds(1))
                }
                return times.sorted()[1]
            }
            let known = try await seconds("victim")
            let unknown = try await seconds("nobody-at-all")
            #expect(unknown > known * 0.5 && unknown < known * 2, "known \(known) s, unknown \(unknown) s")
        }
    }

    @Test("login attempts are limited per user name and per client address", .timeLimit(.minutes(3)))
    func loginAttemptsAreRateLimited() async throws {
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.login_rate_per_minute=5"]) { p in
            let r = try await p.cli(["user", "create", "target", "--role", "viewer", "--password-stdin"], stdin: Self.password)
            #expect(r.status == 0, "\(r)")
            // One attempt from each of six loopback addresses, all for the same name: the name runs out.
            var statuses: [Int] = []
            for i in 1...6 {
                statuses.append(
                    try await p.request("POST", "/v1/login", body: #"{"user":"target","password":"wrong-password"}"#, from: "127.0.0.\(i + 1)").status)
            }
            #expect(statuses == [401, 401, 401, 401, 401, 429], "\(statuses)")
            let limited = try await p.request("POST", "/v1/login", body: #"{"user":"target","password":"\#(Self.password)"}"#, from: "127.0.0.20")
            #expect(limited.status == 429 && limited.header("Retry-After").flatMap(Int.init).map { $0 > 0 } == true, "\(limited)")

            // Many names from one address: the address runs out.
            statuses = []
            for i in 1...6 {
                statuses.append(
                    try await p.request("POST", "/v1/login", body: #"{"user":"user-\#(i)","password":"wrong-password"}"#, from: "127.0.0.30").status)
            }
            #expect(statuses == [401, 401, 401, 401, 401, 429], "\(statuses)")
            // Invitations count too (they take passwords).
            let invitation = try await p.request(
                "POST", "/v1/invitations/accept", body: #"{"invitation":"cxi_x","user":"user-9","password":"long-password-1"}"#, from: "127.0.0.30")
            #expect(invitation.status == 429)
            // Another address is not affected.
            let other = try await p.request("POST", "/v1/login", body: #"{"user":"user-7","password":"wrong-password"}"#, from: "127.0.0.31")
            #expect(other.status == 401)
        }
    }

    // MARK: Idle connections

    @Test("half-sent requests are closed after the idle timeout", .timeLimit(.minutes(2)))
    func halfOpenRequestsAreClosed() async throws {
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.http_idle_timeout=1s"]) { p in
            let halfHeader = try LoopbackConnection(port: p.httpPort)
            try halfHeader.send("POST /v1/login HTTP/1.1\r\nHost: localhost\r\nContent-")
            let halfBody = try LoopbackConnection(port: p.httpPort)
            try halfBody.send("POST /v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user\":")
            let idle = try LoopbackConnection(port: p.httpPort)
            #expect(!halfBody.closed(within: .milliseconds(300)), "closed before the timeout")
            #expect(halfHeader.closed(within: .seconds(10)), "a half-sent header stays open")
            #expect(halfBody.closed(within: .seconds(10)), "a half-sent body stays open")
            #expect(idle.closed(within: .seconds(10)), "an idle connection stays open")
            // A long answer (an event stream, quiet while the job waits for a Scheduler) is not cut.
            await p.stop("scheduler-0")
            let auth = try await p.ownerHeaders()
            let (submitted, body) = try await p.http("POST", "/v1/jobs", headers: auth, body: #"{"verb":"ECHO","arguments":"x"}"#)
            #expect(submitted == 202, "\(body)")
            let id = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["jobID"] as? String ?? ""
            let stream = try await runCommand(
                "/usr/bin/curl", ["-sN", "--max-time", "4", "-H", auth[0], "http://127.0.0.1:\(p.httpPort)/v1/jobs/\(id)/events"])
            #expect(stream.status == 28 && stream.stdout.contains("stream of job"), "the event stream was cut before curl's 4 s: \(stream)")
            let (health, _) = try await p.http("GET", "/v1/health")
            #expect(health == 200)
        }
    }

    // MARK: Invitations

    @Test("invitations: a fake one creates no user, taken names get one answer, owners are never demoted", .timeLimit(.minutes(3)))
    func invitationsAreChecked() async throws {
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.login_rate_per_minute=1000"]) { p in
            let auth = try await p.ownerHeaders(user: "boss")
            func invite(_ role: Role) async throws -> String {
                let (status, body) = try await p.http("POST", "/v1/team/invitations", headers: auth, body: #"{"role":"\#(role.rawValue)"}"#)
                #expect(status == 201, "\(body)")
                return (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["invitation"] as? String ?? ""
            }
            func accept(_ invitation: String, _ user: String, _ password: String) async throws -> (Int, String) {
                try await p.http("POST", "/v1/invitations/accept", body: #"{"invitation":"\#(invitation)","user":"\#(user)","password":"\#(password)"}"#)
            }

            // A fake invitation creates nobody.
            let (fake, _) = try await accept("cxi_not-a-real-invitation", "squatter", "squatter-password")
            #expect(fake == 404)
            #expect(try await p.sql("SELECT count(*) FROM users WHERE name = 'squatter'") == "0")

            // A taken name with a wrong password, and a disabled user with the right one: one answer.
            for (name, role) in [("alice", "member"), ("bob", "member")] {
                let r = try await p.cli(["user", "create", name, "--role", role, "--password-stdin"], stdin: Self.password)
                #expect(r.status == 0, "\(r)")
            }
            _ = try await p.sql("UPDATE users SET disabled = true WHERE name = 'bob'")
            let invitation = try await invite(.viewer)
            let wrong = try await accept(invitation, "alice", "not-alices-password")
            let disabled = try await accept(invitation, "bob", Self.password)
            #expect(wrong.0 == 401 && disabled.0 == 401, "\(wrong) \(disabled)")
            #expect(wrong.1 == disabled.1, "answers differ: \(wrong.1) / \(disabled.1)")
            #expect(!wrong.1.contains("alice") && wrong.1.contains("taken or the password is wrong"), "\(wrong.1)")
            #expect(try await p.sql("SELECT count(*) FROM invitations WHERE accepted_at IS NULL") == "1", "a refused acceptance used the invitation")

            // The owner accepting a viewer invitation stays owner.
            let (owner, ownerBody) = try await accept(invitation, "boss", Self.password)
            #expect(owner == 200 && ownerBody.contains("\"owner\""), "\(ownerBody)")
            #expect(
                try await p.sql(
                    "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN teams t ON t.id = m.team_id WHERE u.name = 'boss' AND t.name = 'default'"
                ) == "owner")

            // A viewer invited as admin goes up.
            let r = try await p.cli(["user", "create", "carol", "--role", "viewer", "--password-stdin"], stdin: Self.password)
            #expect(r.status == 0, "\(r)")
            let (up, upBody) = try await accept(try await invite(.admin), "carol", Self.password)
            #expect(up == 200 && upBody.contains("\"admin\""), "\(upBody)")

            // A new name joins with the invitation's role; the invitation is then used up.
            let fresh = try await invite(.member)
            let (joined, joinedBody) = try await accept(fresh, "newcomer", "newcomer-password")
            #expect(joined == 200 && joinedBody.contains("\"member\""), "\(joinedBody)")
            let (again, _) = try await accept(fresh, "another-one", "another-password")
            #expect(again == 404)
            #expect(try await p.sql("SELECT count(*) FROM users WHERE name = 'another-one'") == "0")
            #expect(!p.log("gateway", lines: 100_000).contains("request failed"), "\(p.log("gateway"))")
        }
    }

    // MARK: Names

    @Test("a taken node or team name gets the same answer whichever team holds it", .timeLimit(.minutes(3)))
    func namesCannotBeProbed() async throws {
        try await TestPlatform.with(nodes: [], audit: false, gatewaySettings: ["gateway.login_rate_per_minute=1000"]) { p in
            let mine = try await p.ownerHeaders(user: "owner-a")
            let session = try await p.login("owner-a")
            let (created, createdBody) = try await p.http("POST", "/v1/teams", headers: ["Authorization: Session \(session)"], body: #"{"name":"team-b"}"#)
            #expect(created == 201, "\(createdBody)")
            let (tokenStatus, tokenBody) = try await p.http(
                "POST", "/v1/tokens", headers: ["Authorization: Session \(session)", "X-Coxswain-Team: team-b"], body: #"{"name":"b"}"#
            )
            #expect(tokenStatus == 201, "\(tokenBody)")
            let theirs = [
                "Authorization: Bearer " + ((try JSONSerialization.jsonObject(with: Data(tokenBody.utf8)) as? [String: Any])?["secret"] as? String ?? "")
            ]

            let (added, addedBody) = try await p.http("POST", "/v1/nodes", headers: mine, body: #"{"name":"probe-node"}"#)
            #expect(added == 201, "\(addedBody)")
            let own = try await p.http("POST", "/v1/nodes", headers: mine, body: #"{"name":"probe-node"}"#)
            let other = try await p.http("POST", "/v1/nodes", headers: theirs, body: #"{"name":"probe-node"}"#)
            #expect(own.0 == 409 && other.0 == 409 && own.1 == other.1, "\(own) / \(other)")
            #expect(own.1.contains("name_unavailable") && !own.1.contains("another team") && !own.1.contains("exists"), "\(own.1)")

            // Teams: a name of one's own team and another's answer alike.
            let r = try await p.cli(["user", "create", "owner-c", "--role", "member", "--password-stdin"], stdin: Self.password)
            #expect(r.status == 0, "\(r)")
            let outsider = try await p.login("owner-c")
            let ownTeam = try await p.http(
                "POST", "/v1/teams", headers: ["Authorization: Session \(session)", "X-Coxswain-Team: default"], body: #"{"name":"team-b"}"#)
            let otherTeam = try await p.http("POST", "/v1/teams", headers: ["Authorization: Session \(outsider)"], body: #"{"name":"team-b"}"#)
            #expect(ownTeam.0 == 409 && otherTeam.0 == 409 && ownTeam.1 == otherTeam.1 && ownTeam.1.contains("name_unavailable"), "\(ownTeam) / \(otherTeam)")
        }
    }

    // MARK: Helpers

    /// The process's resident memory in MB (0 when it is gone).
    static func rssMegabytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        return kilobytes / 1024
    }
}

/// The largest value seen.
final class PeakRSS: Sendable {
    private let peak = Locked(0)
    func record(_ value: Int) { peak.withLock { $0 = max($0, value) } }
    var value: Int { peak.withLock { $0 } }
}

/// A whole HTTP answer: status, headers and body.
struct HTTPAnswer: CustomStringConvertible {
    let status: Int
    let headers: [String]
    let body: String
    func header(_ name: String) -> String? {
        headers.lazy.compactMap { line -> String? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == name.lowercased() else { return nil }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }.first
    }
    var description: String { "\(status) \(headers.joined(separator: "; ")) \(body)" }
}

extension TestPlatform {
    /// An HTTP call with its headers, optionally from another loopback source address.
    func request(_ method: String, _ path: String, headers: [String] = [], body: String? = nil, from source: String? = nil) async throws -> HTTPAnswer {
        let r = try await runCommand(
            "/usr/bin/curl", try curlArguments(["-s", "-i", "-X", method] + (source.map { ["--interface", $0] } ?? []), path, headers: headers, body: body))
        guard let split = r.stdout.range(of: "\r\n\r\n") else { throw HarnessError("no HTTP answer: \(r)") }
        let head = r.stdout[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        return HTTPAnswer(status: status, headers: Array(head.dropFirst()), body: String(r.stdout[split.upperBound...]))
    }

    /// A session for `user` (password ``GatewayHardeningTests/password``).
    func login(_ user: String) async throws -> String {
        let (status, body) = try await http("POST", "/v1/login", body: #"{"user":"\#(user)","password":"\#(GatewayHardeningTests.password)"}"#)
        guard status == 200, let session = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["session"] as? String else {
            throw HarnessError("login \(user): \(status) \(body)")
        }
        return session
    }

    /// Creates an owner of team `default` (on the socket) and returns an API token header for them.
    func ownerHeaders(user: String = "hard-owner") async throws -> [String] {
        let r = try await cli(["user", "create", user, "--role", "owner", "--password-stdin"], stdin: GatewayHardeningTests.password)
        guard r.status == 0 else { throw HarnessError("user create \(user): \(r)") }
        let session = try await login(user)
        let (status, body) = try await http("POST", "/v1/tokens", headers: ["Authorization: Session \(session)"], body: #"{"name":"hardening"}"#)
        guard status == 201, let secret = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["secret"] as? String else {
            throw HarnessError("token for \(user): \(status) \(body)")
        }
        return ["Authorization: Bearer \(secret)"]
    }
}

/// A raw TCP connection to the Gateway, to send half a request.
final class LoopbackConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw HarnessError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw HarnessError("send failed: errno \(errno)") }
    }

    /// Whether the server closes the connection within `timeout` (reading and dropping what it sends).
    func closed(within timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while clock.now < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(1, (deadline - clock.now) / .milliseconds(1)))
            guard poll(&p, 1, left) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return true }
        }
        return false
    }
}
