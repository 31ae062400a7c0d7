import Foundation
import Testing

/// A small W3C WebDriver client over curl, for Debian's `chromedriver` driving headless Chromium.
struct WebDriver {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    /// Whether the browser is installed (`scripts/deps.sh` installs it; without it the browser tests skip).
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: chromedriver)
    }
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    let port: Int
    let session: String

    /// One WebDriver command: its JSON `value`.
    @discardableResult
    static func command(port: Int, _ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        var args = ["-sS", "-X", method, "http://127.0.0.1:\(port)\(path)", "-H", "Content-Type: application/json"]
        if let body { args += ["--data-binary", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)] }
        let r = try await runCommand("/usr/bin/curl", args, timeout: .seconds(60))
        guard r.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw HarnessError("webdriver \(method) \(path) failed: \(r)")
        }
        if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
            throw HarnessError("webdriver \(method) \(path): \(error): \(value["message"] ?? "")")
        }
        return object["value"] ?? NSNull()
    }

    static func start(port: Int, profile: String) async throws -> WebDriver {
        let options: [String: Any] = [
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,900", "--user-data-dir=\(profile)"],
        ]
        let value = try await command(
            port: port, "POST", "/session", ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
        guard let session = (value as? [String: Any])?["sessionId"] as? String else { throw HarnessError("no WebDriver session: \(value)") }
        return WebDriver(port: port, session: session)
    }

    @discardableResult
    func send(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        try await Self.command(port: port, method, "/session/\(session)\(path)", body)
    }

    func open(_ url: String) async throws { try await send("POST", "/url", ["url": url]) }
    var url: String { get async throws { try await send("GET", "/url") as? String ?? "" } }
    var source: String { get async throws { try await send("GET", "/source") as? String ?? "" } }

    /// The elements matching a CSS selector (none: empty).
    func elements(_ css: String) async throws -> [String] {
        let value = try await send("POST", "/elements", ["using": "css selector", "value": css])
        return ((value as? [[String: Any]]) ?? []).compactMap { $0[Self.elementKey] as? String }
    }

    func element(_ css: String) async throws -> String {
        guard let first = try await elements(css).first else { throw HarnessError("no element \(css) on \(try await url)") }
        return first
    }

    /// Runs `body` on the element `css` names, found again when it went stale: a click on a form's
    /// button returns before the next page has replaced this one, so the first lookup after it may
    /// find an element of the page being left (up to 5 s of retries).
    func onElement<T>(_ css: String, _ body: (String) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body(try await element(css))
            } catch  where attempt < 50 && ("\(error)".contains("stale element") || "\(error)".contains("no element")) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func text(_ css: String) async throws -> String {
        try await onElement(css) { try await send("GET", "/element/\($0)/text") as? String ?? "" }
    }

    func type(_ css: String, _ text: String) async throws {
        try await onElement(css) { id in
            try await send("POST", "/element/\(id)/clear", [:])
            try await send("POST", "/element/\(id)/value", ["text": text])
        }
    }

    func click(_ css: String) async throws { try await onElement(css) { try await send("POST", "/element/\($0)/click", [:]) } }

    /// Clicks a form's submit button and waits until the answer has replaced the page (the old
    /// page's root element gone stale), so what is read next is the new page's.
    func submit(_ css: String) async throws {
        let page = try await element("html")
        try await click(css)
        for _ in 0..<100 {
            do {
                _ = try await send("GET", "/element/\(page)/name")
            } catch  where "\(error)".contains("stale element") {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("\(css): the page was not replaced within 5 s")
    }

    /// The value of a cookie the browser holds (also an HttpOnly one).
    func cookie(_ name: String) async throws -> String {
        (try await send("GET", "/cookie/\(name)") as? [String: Any])?["value"] as? String ?? ""
    }

    /// Saves a PNG of the viewport.
    func screenshot(_ path: String) async throws {
        guard let base64 = try await send("GET", "/screenshot") as? String, let png = Data(base64Encoded: base64) else {
            throw HarnessError("no screenshot")
        }
        try png.write(to: URL(fileURLWithPath: path))
    }

    func quit() async { _ = try? await send("DELETE", "") }

    /// Stops a chromedriver this test started (by its pid; it ends its browsers with it).
    static func stop(_ process: ServiceProcess) {
        guard process.isRunning else { return }
        kill(process.pid, SIGTERM)
        for _ in 0..<100 where process.isRunning { usleep(50_000) }
        if process.isRunning {
            kill(process.pid, SIGKILL)
            while process.isRunning { usleep(50_000) }
        }
    }
}

/// Issue 16: the web UI in a real headless Chromium against a real platform.
extension PlatformTests {
    /// A `/ui/` request with curl as a browser holding `cookies`: status and body.
    func uiRequest(_ p: TestPlatform, _ method: String, _ path: String, cookies: String, form: String? = nil) async throws -> (Int, String) {
        var args = ["-s", "-w", "\n%{http_code}", "-X", method, "-H", "Cookie: \(cookies)"]
        if let form { args += ["-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", form] }
        let r = try await runCommand("/usr/bin/curl", args + ["http://127.0.0.1:\(p.httpPort)\(path)"])
        var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// The CSRF token in a page's forms.
    func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    @Test(
        "web UI in Chromium: login, wrong password, live job output, enrol, audit verify, viewer without buttons and 403, CSRF refused",
        .enabled(if: WebDriver.isInstalled, "chromium and chromium-driver are not installed: run scripts/deps.sh (make test does)"),
        .timeLimit(.minutes(3)))
    func webUIInChromium() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            let shots = p.directory + "/screenshots"
            try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
            #expect(try await p.cli(["user", "create", "ana", "--role", "admin"], extraEnvironment: ["COXSWAIN_PASSWORD": "ana-password-1"]).status == 0)
            #expect(try await p.cli(["user", "create", "vic", "--role", "viewer"], extraEnvironment: ["COXSWAIN_PASSWORD": "vic-password-1"]).status == 0)
            let base = "http://127.0.0.1:\(p.httpPort)"
            // Ana also owns a second team, so the UI offers her a team switcher.
            let (loggedIn, login) = try await p.http("POST", "/v1/login", body: #"{"user":"ana","password":"ana-password-1"}"#)
            let session = try #require(try decodeJSON(login)["session"] as? String, "\(loggedIn) \(login)")
            let (created, team) = try await p.http("POST", "/v1/teams", headers: ["Authorization: Session \(session)"], body: #"{"name":"second"}"#)
            #expect(created == 201, "\(team)")

            // chromedriver on a port of its own (36300-36399), stopped by its pid at the end.
            var driver: WebDriver?
            var chromedrivers: [ServiceProcess] = []
            for _ in 0..<5 where driver == nil {
                let port = 36300 + Int.random(in: 0..<100)
                let process = try ServiceProcess(
                    executable: WebDriver.chromedriver, arguments: ["--port=\(port)", "--allowed-ips=127.0.0.1"],
                    environment: ProcessInfo.processInfo.environment, logPath: p.directory + "/chromedriver.log")
                chromedrivers.append(process)
                try? await eventually("chromedriver on \(port)", timeout: .seconds(5)) {
                    try await runCommand("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/status"]).status == 0
                }
                driver = try? await WebDriver.start(port: port, profile: p.directory + "/chrome-profile")
            }
            defer { for process in chromedrivers { WebDriver.stop(process) } }
            let browser = try #require(driver, "chromedriver did not start")
            do {
                try await drive(browser, p, base: base, shots: shots)
            } catch {
                try? await browser.screenshot(shots + "/failure.png")
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }

    func drive(_ b: WebDriver, _ p: TestPlatform, base: String, shots: String) async throws {
        // Signed out: the login page; a wrong password is refused.
        try await b.open(base + "/ui/")
        #expect(try await b.url.hasSuffix("/ui/login"))
        try await b.screenshot(shots + "/login.png")
        try await b.type("#user", "ana")
        try await b.type("#password", "not-her-password")
        try await b.submit("#sign-in")
        #expect(try await b.text("#login-error").contains("Wrong user name or password"))
        try await b.screenshot(shots + "/login-refused.png")

        // Signed in: the dashboard.
        try await b.type("#password", "ana-password-1")
        try await b.submit("#sign-in")
        #expect(try await b.text("#whoami") == "ana · admin")
        #expect(try await b.source.contains("Running jobs"))
        try await b.screenshot(shots + "/dashboard.png")

        // The team switcher: the second team has no node; back to the default team.
        try await b.click(#"#team-switch option[value="second"]"#)
        try await b.submit("#switch-team")
        #expect(try await b.text("#whoami") == "ana · owner")
        #expect(try await b.source.contains("<strong>0</strong> <span class=\"badge ok\">online</span>"))
        try await b.screenshot(shots + "/dashboard-second-team.png")
        try await b.click(#"#team-switch option[value="default"]"#)
        try await b.submit("#switch-team")
        #expect(try await b.text("#whoami") == "ana · admin")

        // Nodes: the online node; an admin enrols one and gets its install command.
        try await b.open(base + "/ui/nodes")
        let nodes = try await b.source
        #expect(nodes.contains("node-a") && nodes.contains("online"))
        try await b.type("#node-name", "web-9")
        try await b.type("#node-labels", "role=web")
        try await b.submit("#enrol")
        #expect(try await b.text("#install-command").contains("--enrol-token"))
        try await b.screenshot(shots + "/nodes-enrol.png")
        // Removing asks first (the script's confirmation), then the node is gone.
        try await b.click(#"form[action="/ui/nodes/web-9/remove"] button"#)
        try await b.send("POST", "/alert/accept", [:])
        try await eventually("web-9 removed", timeout: .seconds(15)) { ((try? await b.source) ?? "").contains("Node web-9 was removed.") }
        #expect(try await b.elements(#"form[action="/ui/nodes/web-9/remove"]"#).isEmpty)

        // Run a command from the form: its output arrives live, before the job ends.
        try await b.open(base + "/ui/jobs")
        try await b.type("#arguments", "echo first-ui-line; sleep 4; echo second-ui-line")
        try await b.type("#targets", "node-a")
        try await b.submit("#run")
        #expect(try await b.url.contains("/ui/jobs/"))
        try await eventually("the first line streamed live", timeout: .seconds(30)) {
            ((try? await b.text("#live-log")) ?? "").contains("first-ui-line")
        }
        #expect(try await !b.text("#live-log").contains("second-ui-line"), "the job had not finished when its first line arrived")
        try await b.screenshot(shots + "/job-live.png")
        try await eventually("the job finished and the page shows each node's result", timeout: .seconds(40)) {
            // The page reloads itself when the stream ends: an element may go stale in between.
            let status = (try? await b.text("#job-status")) ?? ""
            let page = (try? await b.source) ?? ""
            return status.contains("succeeded") && page.contains(#"<pre class="out">first-ui-line"#)
        }
        try await b.screenshot(shots + "/job.png")
        try await b.open(base + "/ui/jobs")
        #expect(try await b.source.contains("first-ui-line"))
        try await b.screenshot(shots + "/jobs.png")

        // The audit log, verified.
        try await b.open(base + "/ui/audit")
        try await b.submit("#verify")
        #expect(try await b.text("#verify-result").contains("intact"))
        try await b.screenshot(shots + "/audit.png")

        // A form without its CSRF token is refused (and runs nothing).
        let anaCookies = "coxswain_ui_session=\(try await b.cookie("coxswain_ui_session")); coxswain_ui_team=\(try await b.cookie("coxswain_ui_team"))"
        let (noToken, refusal) = try await uiRequest(p, "POST", "/ui/jobs", cookies: anaCookies, form: "verb=RUN&arguments=echo+forged")
        #expect(noToken == 403 && refusal.contains("CSRF"), "\(noToken) \(refusal)")
        let (wrongToken, _) = try await uiRequest(p, "POST", "/ui/jobs", cookies: anaCookies, form: "verb=RUN&arguments=echo+forged&csrf=00")
        #expect(wrongToken == 403)

        // Page weights (HTML, then the CSS and JS shared by all).
        var weights: [String] = []
        let pages = [
            ("/ui/", "Running jobs"), ("/ui/nodes", "node-a"), ("/ui/jobs", "first-ui-line"), ("/ui/audit", "Audit log"), ("/ui/static/app.css", ".badge"),
            ("/ui/static/app.js", "EventSource"),
        ]
        for (path, marker) in pages {
            let (status, body) = try await uiRequest(p, "GET", path, cookies: anaCookies)
            #expect(status == 200 && body.contains(marker) && body.utf8.count < 100_000, "\(path): \(status), \(body.utf8.count) bytes")
            weights.append("\(path) \(body.utf8.count)")
        }
        try weights.joined(separator: "\n").write(toFile: shots + "/page-weights.txt", atomically: true, encoding: .utf8)

        // Log out; the viewer sees no action buttons, and posting the forms directly is refused.
        try await b.submit("#logout")
        #expect(try await b.url.hasSuffix("/ui/login"))
        try await b.type("#user", "vic")
        try await b.type("#password", "vic-password-1")
        try await b.submit("#sign-in")
        #expect(try await b.text("#whoami") == "vic · viewer")
        try await b.open(base + "/ui/jobs")
        let runButtons = try await b.elements("#run")
        let argumentFields = try await b.elements("#arguments")
        #expect(runButtons.isEmpty && argumentFields.isEmpty)
        try await b.screenshot(shots + "/jobs-viewer.png")
        try await b.open(base + "/ui/nodes")
        let viewerNodes = try await b.source
        #expect(!viewerNodes.contains("Remove") && !viewerNodes.contains("Enrol a node"))
        try await b.screenshot(shots + "/nodes-viewer.png")
        // The same pages on a phone-sized window.
        try await b.send("POST", "/window/rect", ["width": 390, "height": 844])
        try await b.open(base + "/ui/")
        try await b.screenshot(shots + "/dashboard-phone.png")
        let vicCookies = "coxswain_ui_session=\(try await b.cookie("coxswain_ui_session")); coxswain_ui_team=\(try await b.cookie("coxswain_ui_team"))"
        let token = try #require(csrfToken(in: viewerNodes))
        let (run, runBody) = try await uiRequest(p, "POST", "/ui/jobs", cookies: vicCookies, form: "verb=RUN&arguments=echo+viewer&csrf=\(token)")
        #expect(run == 403 && runBody.contains("Not allowed"), "\(run) \(runBody)")
        let (remove, _) = try await uiRequest(p, "POST", "/ui/nodes/node-a/remove", cookies: vicCookies, form: "csrf=\(token)")
        #expect(remove == 403)
        #expect(try await p.nodeStatuses()["node-a"] == "online")
        let jobs = try await p.cli(["manage", "--list-jobs"])
        #expect(!jobs.stdout.contains("forged") && !jobs.stdout.contains("viewer"), "\(jobs)")
    }
}
