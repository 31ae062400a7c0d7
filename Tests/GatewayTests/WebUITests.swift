import CoxswainCore
import Foundation
import HTTPTypes
import Testing

@testable import GatewayService

@Suite("Web UI: CSRF, cookies, forms, times and rendering")
struct WebUIUnitTests {
    @Test("a CSRF token belongs to one session secret and is checked in full")
    func csrfTokens() {
        let token = UICSRF.token(for: "cxs_one")
        #expect(token == UICSRF.token(for: "cxs_one") && token.count == 64)
        #expect(token != UICSRF.token(for: "cxs_two"))
        #expect(UICSRF.isValid(token, for: "cxs_one"))
        #expect(!UICSRF.isValid(token, for: "cxs_two"))
        #expect(!UICSRF.isValid(nil, for: "cxs_one") && !UICSRF.isValid("", for: "cxs_one") && !UICSRF.isValid(token, for: ""))
        #expect(!UICSRF.isValid(String(token.dropLast()), for: "cxs_one") && !UICSRF.isValid(token + "0", for: "cxs_one"))
        // The token does not reveal the secret it is derived from.
        #expect(!token.contains("cxs_one"))
    }

    @Test("cookies are HttpOnly, SameSite=Strict, under /ui, and Secure only over HTTPS")
    func cookies() {
        let plain = UICookies(secure: false).set(UICookies.session, "cxs_abc", maxAge: 60)
        #expect(plain == "coxswain_ui_session=cxs_abc; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=60")
        let secure = UICookies(secure: true).set(UICookies.team, "ops")
        #expect(secure == "coxswain_ui_team=ops; Path=/ui; HttpOnly; SameSite=Strict; Secure")
        #expect(UICookies(secure: false).clear(UICookies.session).hasSuffix("Max-Age=0"))
        let header = "other=1; coxswain_ui_session=cxs_x=y; coxswain_ui_team="
        #expect(UICookies.value(UICookies.session, in: header) == "cxs_x=y")
        #expect(UICookies.value(UICookies.team, in: header) == nil)
        #expect(UICookies.value(UICookies.session, in: nil) == nil)
    }

    @Test("forms decode + and percent escapes; empty and missing fields are nil")
    func forms() {
        let form = UIForm(encoded: "verb=RUN&arguments=echo+a%26b+%3D+1&targets=&csrf=x&arguments=second&flag")
        #expect(form["verb"] == "RUN" && form["arguments"] == "echo a&b = 1" && form["targets"] == nil && form["flag"] == nil && form["none"] == nil)
        #expect(form.fields.count == 6)
        #expect(UIForm.encode([("status", "failed"), ("actor", "a b&c")]) == "status=failed&actor=a%20b%26c")
        #expect(UIForm(encoded: "") == UIForm(encoded: "&&"))
    }

    @Test("times are relative with the absolute time kept for hover")
    func times() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(UIFormat.relative(now.addingTimeInterval(-3), now: now) == "just now")
        #expect(UIFormat.relative(now.addingTimeInterval(-42), now: now) == "42 s ago")
        #expect(UIFormat.relative(now.addingTimeInterval(-300), now: now) == "5 min ago")
        #expect(UIFormat.relative(now.addingTimeInterval(-7200), now: now) == "2 h ago")
        #expect(UIFormat.relative(now.addingTimeInterval(-86400), now: now) == "1 day ago")
        #expect(UIFormat.relative(now.addingTimeInterval(-3 * 86400), now: now) == "3 days ago")
        #expect(UIFormat.relative(now.addingTimeInterval(240), now: now) == "in 4 min")
        #expect(UIFormat.absolute(now) == "2027-01-15 08:00:00 UTC")
        #expect(UIStatus("in_progress").text == "in progress" && UIStatus("in_progress").tone == "busy")
        #expect(UIStatus("failed").tone == "bad" && UIStatus("online").tone == "ok" && UIStatus("unknown").tone == "neutral")
    }

    func principal(_ role: Role) -> Principal {
        Principal(
            credential: .session(id: UUID()), teamID: TeamID(UUID().uuidString.lowercased()), teamName: "ops", role: role, userID: UUID(), userName: "ana")
    }

    func job(_ n: Int, status: JobStatus) -> JobSummary {
        JobSummary(
            id: JobID(), verb: "RUN", arguments: "echo <b>\(n)</b>", targets: [], status: status, submittedBy: "ana (session)", error: nil,
            createdAt: Date(timeIntervalSince1970: 1_800_000_000), dispatchedAt: nil, finishedAt: nil, nodeCount: 1, succeeded: 1, failed: 0, pending: 0)
    }

    @Test("pages escape data, link their CSS and JS, carry no inline script or style, and stay under 100 kB")
    func rendering() throws {
        let renderer = try UIRenderer()
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        let jobs = (0..<100).map { job($0, status: $0 % 3 == 0 ? .failed : .succeeded) }
        let chrome = UIChrome(
            principal: principal(.member), teams: [TeamMembership(team: "ops", teamID: "1", role: .member), .init(team: "dev", teamID: "2", role: .viewer)],
            csrf: "TOKEN", current: "/ui/jobs")
        let html = renderer.document(
            "jobs", UIJobsPage(jobs: jobs, status: "failed", role: .member, csrf: "TOKEN", now: now), title: "Jobs", chrome: chrome)
        #expect(html.utf8.count < 100_000, "\(html.utf8.count) bytes")
        #expect(html.contains("echo &lt;b&gt;0&lt;/b&gt;") && !html.contains("<b>0</b>"))
        #expect(html.contains(#"<link rel="stylesheet" href="/ui/static/app.css">"#) && html.contains(#"<script src="/ui/static/app.js" defer></script>"#))
        #expect(!html.contains("<script>") && !html.contains("style=") && html.range(of: #" on[a-z]+="#, options: .regularExpression) == nil)
        #expect(html.contains(#"<option value="failed" selected>"#))
        // The team switcher for a user of two teams; every form has the token.
        #expect(html.contains(#"<option value="dev">dev (viewer)</option>"#))
        let forms = html.components(separatedBy: "<form method=\"post\"").count - 1
        let tokens = html.components(separatedBy: #"name="csrf" value="TOKEN""#).count - 1
        #expect(forms == 3 && tokens == forms, "\(forms) forms, \(tokens) tokens")
        #expect(html.contains(#"aria-current="page">Jobs"#))
        // Every input has a label.
        for id in ["verb", "arguments", "targets", "status", "team-switch"] { #expect(html.contains(#"<label for="\#(id)""#), "\(id)") }
    }

    @Test("a viewer's pages have no buttons the viewer cannot use")
    func viewerSeesNoActions() throws {
        let renderer = try UIRenderer()
        let now = Date()
        let viewer = UIChrome(principal: principal(.viewer), teams: [], csrf: "T", current: "/ui/jobs")
        let jobs = renderer.document("jobs", UIJobsPage(jobs: [], status: nil, role: .viewer, csrf: "T", now: now), title: "Jobs", chrome: viewer)
        #expect(!jobs.contains("method=\"post\" action=\"/ui/jobs\"") && !jobs.contains("id=\"run\""))
        let node = NodeInfo(
            name: "n1", status: .online, machineID: "m", version: "1", labels: ["role": "web"], hostUptimeSeconds: 1, agentStartedAt: now, firstSeen: now,
            lastSeen: now)
        let nodes = renderer.document(
            "nodes", UINodesPage(nodes: [node], role: .viewer, csrf: "T", enrolled: nil, now: now), title: "Nodes", chrome: viewer)
        #expect(!nodes.contains("Remove") && !nodes.contains("Enrol a node") && nodes.contains("role=web"))
        let admin = renderer.document(
            "nodes", UINodesPage(nodes: [node], role: .admin, csrf: "T", enrolled: nil, now: now), title: "Nodes", chrome: viewer)
        #expect(admin.contains("/ui/nodes/n1/remove") && admin.contains("Enrol a node"))
        let member = renderer.document("jobs", UIJobsPage(jobs: [], status: nil, role: .member, csrf: "T", now: now), title: "Jobs", chrome: viewer)
        #expect(member.contains("id=\"run\""))
    }

    @Test("the dashboard counts online and offline nodes (a pending one is neither), running jobs and recent failures")
    func dashboard() {
        let now = Date()
        func node(_ name: String, _ status: NodeStatus) -> NodeInfo {
            NodeInfo(
                name: name, status: status, machineID: "m", version: "1", labels: [:], hostUptimeSeconds: 1, agentStartedAt: now, firstSeen: now,
                lastSeen: now)
        }
        let jobs = [job(1, status: .dispatched), job(2, status: .failed), job(3, status: .submitted), job(4, status: .succeeded)]
        let model = UIDashboard(nodes: [node("a", .online), node("b", .offline), node("c", .pending)], jobs: jobs, deployments: [], now: now)
        #expect(model.online == 1 && model.offline == 1)
        #expect(model.running.count == 2 && model.failures.count == 1 && !model.deploying.any)
    }

    @Test("the audit verification is one sentence with its tone")
    func auditVerification() {
        #expect(UIAuditPage.describe(AuditVerification(intact: true, records: 12, firstBrokenSeq: nil, reason: nil)).text.contains("intact: 12 records"))
        let broken = UIAuditPage.describe(AuditVerification(intact: false, records: 12, firstBrokenSeq: 7, reason: "hash mismatch"))
        #expect(broken.tone == "bad" && broken.text.contains("broken at record 7: hash mismatch"))
    }

    @Test("responses carry a strict CSP, no framing and a same-origin referrer")
    func headers() {
        let response = UIResponse.html("<p>x</p>", cookies: ["a=1", "b=2"])
        let csp = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
        #expect(csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
        #expect(response.headers[values: .setCookie] == ["a=1", "b=2"])
        #expect(UIResponse.redirect("/ui/login").status == .seeOther)
    }

    @Test("the API request the UI makes: the route's path filled in, the session and team as credentials")
    func backendRequest() {
        let request = UIBackend.request(
            .removeNode, parameters: ["name": "web 1"], query: "", session: "cxs_s", team: "ops", body: Array("{}".utf8))
        #expect(request.method == .delete && request.uri.path == "/v1/nodes/web%201")
        #expect(request.headers[.authorization] == "Session cxs_s" && request.headers[Authenticator.teamHeader] == "ops")
        let list = UIBackend.request(.listJobs, parameters: [:], query: "status=failed", session: nil, team: nil, body: nil)
        #expect(list.uri.path == "/v1/jobs" && list.uri.query == "status=failed" && list.headers[.authorization] == nil)
    }
}
