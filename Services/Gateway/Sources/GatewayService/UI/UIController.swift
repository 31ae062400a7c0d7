import CoxswainCore
import CoxswainCrypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The web UI at `/ui/`: server-rendered pages over the `/v1` API.
///
/// Every page and form goes through `UIBackend`, i.e. the API's own authentication, route roles
/// (denials audited) and controllers, as the signed-in user: the UI shows or hides buttons by the
/// route table's least roles (`Endpoint.minimumRole`), but the API decides. Forms carry a CSRF
/// token derived from the session (`UICSRF`); the session and team live in `HttpOnly`,
/// `SameSite=Strict` cookies under `/ui` (`UICookies`).
struct UIController: Sendable {
    let backend: UIBackend
    let authenticator: Authenticator
    /// The login attempts per client address (the API's limit, applied here too).
    let passwords: PasswordGuard
    let cookies: UICookies
    let renderer: UIRenderer
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// The most a form may send (the run form's arguments are the largest field).
    static let maxFormBytes = 64 * 1024

    init(api: GatewayAPI, passwords: PasswordGuard, secureCookies: Bool, logger: Logger) throws {
        backend = UIBackend(api: api)
        authenticator = api.authenticator
        self.passwords = passwords
        cookies = UICookies(secure: secureCookies)
        renderer = try UIRenderer()
        self.logger = logger
    }

    /// Adds the `/ui` routes beside the API's.
    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/ui/static/app.css") { _, _ in UIResponse.asset(UIAssets.css, contentType: "text/css; charset=utf-8") }
        router.get("/ui/static/app.js") { _, _ in UIResponse.asset(UIAssets.js, contentType: "text/javascript; charset=utf-8") }
        router.get("/ui/login") { request, _ in loginPage(request) }
        router.post("/ui/login") { request, context in try await login(request, context) }
        router.post("/ui/logout") { request, context in try await form(request, context) { session, _ in try await logout(session, context) } }
        router.post("/ui/team") { request, context in try await form(request, context) { session, form in try await switchTeam(session, form) } }
        router.get("/ui") { request, context in try await page(request, context) { session in try await dashboard(session, context) } }
        router.get("/ui/nodes") { request, context in try await page(request, context) { session in try await nodes(session, context) } }
        router.post("/ui/nodes") { request, context in try await form(request, context) { session, form in try await enrol(session, form, context) } }
        router.post("/ui/nodes/:name/remove") { request, context in
            let name = context.parameters.get("name") ?? ""
            return try await form(request, context) { session, _ in try await removeNode(session, name: name, context) }
        }
        router.get("/ui/jobs") { request, context in try await page(request, context) { session in try await jobs(session, request, context) } }
        router.post("/ui/jobs") { request, context in try await form(request, context) { session, form in try await submit(session, form, context) } }
        router.get("/ui/jobs/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await page(request, context) { session in try await job(session, id: id, context) }
        }
        router.get("/ui/jobs/:id/events") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard let session = try await session(request, context) else { return UIResponse.html("sign in first", status: .unauthorized) }
            do {
                // The API's own stream of the job, as the signed-in user (the cookie never reaches /v1).
                var response = try await backend.respond(.jobEvents, session: session.secret, team: session.team, context: context, parameters: ["id": id])
                response.headers.append(contentsOf: UIResponse.securityHeaders())
                return response
            } catch let refusal as HTTPResponseError {
                return refusal.response
            }
        }
        router.get("/ui/audit") { request, context in try await page(request, context) { session in try await audit(session, request, context) } }
    }

    // MARK: Sessions

    /// The signed-in user of a request, or nil (no cookie, or a session that ended).
    struct Session: Sendable {
        var secret: String
        var team: String?
        var principal: Principal
        var csrf: String
        /// The request's context (the listener it came in on), for the API calls made for it.
        var context: GatewayRequestContext
    }

    func session(_ request: Request, _ context: GatewayRequestContext) async throws -> Session? {
        let header = request.headers[.cookie]
        guard let secret = UICookies.value(UICookies.session, in: header) else { return nil }
        let team = UICookies.value(UICookies.team, in: header)
        for candidate in team == nil ? [nil] : [team, nil] {
            let probe = UIBackend.request(.whoami, parameters: [:], query: "", session: secret, team: candidate, body: nil)
            if let principal = try await authenticator.authenticate(probe, context: context) {
                return Session(secret: secret, team: principal.teamName, principal: principal, csrf: UICSRF.token(for: secret), context: context)
            }
        }
        return nil
    }

    /// A page for the signed-in user; others go to the login page.
    func page(_ request: Request, _ context: GatewayRequestContext, _ render: (Session) async throws -> Response) async throws -> Response {
        guard let session = try await session(request, context) else { return UIResponse.redirect("/ui/login") }
        return try await answering(session, back: "/ui/") { try await render(session) }
    }

    /// A form post of the signed-in user, with its CSRF token checked first (403 without it).
    func form(_ request: Request, _ context: GatewayRequestContext, _ act: (Session, UIForm) async throws -> Response) async throws -> Response {
        guard let session = try await session(request, context) else { return UIResponse.redirect("/ui/login") }
        var request = request
        let buffer = try await request.collectBody(upTo: Self.maxFormBytes)
        let form = UIForm(encoded: String(buffer: buffer))
        guard UICSRF.isValid(form[UICSRF.field], for: session.secret) else {
            logger.notice("web UI form refused: missing or wrong CSRF token", metadata: ["http.path": "\(request.uri.path)"])
            return try await errorPage(
                session, status: .forbidden, heading: "Form refused",
                reason: "This form was not sent by this page (its CSRF token is missing or wrong). Reload the page and try again.", back: "/ui/")
        }
        return try await answering(session, back: "/ui/") { try await act(session, form) }
    }

    /// Runs `body`; an API refusal becomes an error page with the API's status and reason.
    func answering(_ session: Session, back: String, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let refusal as HTTPResponseError {
            let heading = refusal.status == .forbidden ? "Not allowed" : "Refused"
            return try await errorPage(session, status: refusal.status, heading: heading, reason: refusal.reason, back: back)
        }
    }

    func errorPage(_ session: Session, status: HTTPResponse.Status, heading: String, reason: String, back: String) async throws -> Response {
        UIResponse.html(
            renderer.document("error", UIErrorPage(heading: heading, reason: reason, back: back), title: heading, chrome: await chrome(session, current: "")),
            status: status)
    }

    /// The layout's signed-in part, with the user's teams for the switcher.
    func chrome(_ session: Session, current: String) async -> UIChrome {
        let teams = (try? await call(.listTeams, session).decode([TeamMembership].self)) ?? []
        return UIChrome(principal: session.principal, teams: teams, csrf: session.csrf, current: current)
    }

    func call(
        _ endpoint: Endpoint, _ session: Session, parameters: [String: String] = [:], query: String = "", body: (any Encodable)? = nil
    ) async throws -> UIBackend.Answer {
        try await backend.call(
            endpoint, session: session.secret, team: session.team, context: session.context, parameters: parameters, query: query, body: body)
    }

    // MARK: Login and teams

    func loginPage(_ request: Request, error: String? = nil, user: String = "", status: HTTPResponse.Status = .ok) -> Response {
        // The pre-login secret the form's CSRF token is derived from: kept while it exists.
        let existing = UICookies.value(UICookies.preLogin, in: request.headers[.cookie])
        let secret = existing ?? Tokens.generate(prefix: "cxl_")
        let html = renderer.document("login", UILoginPage(csrf: UICSRF.token(for: secret), user: user, error: error), title: "Sign in", chrome: nil)
        return UIResponse.html(html, status: status, cookies: existing == nil ? [cookies.set(UICookies.preLogin, secret)] : [])
    }

    /// `POST /ui/login`: the API's login (`POST /v1/login`: the same password checks, limits and
    /// audit records), then the session in a cookie under `/ui`.
    func login(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        var request = request
        let form = UIForm(encoded: String(buffer: try await request.collectBody(upTo: Self.maxFormBytes)))
        guard let preLogin = UICookies.value(UICookies.preLogin, in: request.headers[.cookie]), UICSRF.isValid(form[UICSRF.field], for: preLogin) else {
            return loginPage(request, error: "The sign-in form was out of date: please try again.", status: .forbidden)
        }
        let user = form["user"] ?? ""
        if !context.viaSocket, let wait = passwords.admit(address: context.channel.remoteAddress?.ipAddress ?? "unknown") {
            return loginPage(request, error: "Too many sign-in attempts from this address: retry in \(wait) s.", user: user, status: .tooManyRequests)
        }
        let answer: UIBackend.Answer
        do {
            answer = try await backend.call(
                .login, session: nil, team: nil, context: context,
                body: LoginRequest(user: user, password: form.fields.first { $0.name == "password" }?.value ?? ""))
        } catch let refusal as HTTPResponseError {
            let reason = refusal.kind == .invalidCredentials ? "Wrong user name or password." : refusal.reason
            return loginPage(request, error: reason, user: user, status: refusal.status)
        }
        let login = try answer.decode(LoginResponse.self)
        guard let team = login.teams.first?.team else {
            return loginPage(request, error: "This user belongs to no team yet: ask an admin to add them.", user: user, status: .forbidden)
        }
        let maxAge = max(0, Int(login.expiresAt.timeIntervalSince(now())))
        return UIResponse.redirect(
            "/ui/",
            cookies: [
                cookies.set(UICookies.session, login.session, maxAge: maxAge), cookies.set(UICookies.team, team, maxAge: maxAge),
                cookies.clear(UICookies.preLogin),
            ])
    }

    /// `POST /ui/logout`: ends the session (`POST /v1/logout`) and forgets the cookies.
    func logout(_ session: Session, _ context: GatewayRequestContext) async throws -> Response {
        _ = try await call(.logout, session)
        return UIResponse.redirect("/ui/login", cookies: [cookies.clear(UICookies.session), cookies.clear(UICookies.team)])
    }

    /// `POST /ui/team`: shows another of the user's teams.
    func switchTeam(_ session: Session, _ form: UIForm) async throws -> Response {
        let teams = try await call(.listTeams, session).decode([TeamMembership].self)
        guard let name = form["team"], teams.contains(where: { $0.team == name }) else {
            throw HTTPResponseError(.unknownTarget, "you are not a member of that team")
        }
        return UIResponse.redirect("/ui/", cookies: [cookies.set(UICookies.team, name)])
    }

    // MARK: Pages

    func dashboard(_ session: Session, _ context: GatewayRequestContext) async throws -> Response {
        let nodes = try await call(.listNodes, session).decode([NodeInfo].self)
        let jobs = try await call(.listJobs, session, query: "limit=100").decode([JobSummary].self)
        let deployments = (try? await call(.listDeployments, session).decode([DeploymentInfo].self)) ?? []
        let model = UIDashboard(nodes: nodes, jobs: jobs, deployments: deployments, now: now())
        return UIResponse.html(renderer.document("dashboard", model, title: "Dashboard", chrome: await chrome(session, current: "/ui/")))
    }

    func nodes(_ session: Session, _ context: GatewayRequestContext, enrolled: AddNodeResponse? = nil, flash: UIFlash? = nil) async throws -> Response {
        let nodes = try await call(.listNodes, session).decode([NodeInfo].self)
        let model = UINodesPage(nodes: nodes, role: session.principal.role, csrf: session.csrf, enrolled: enrolled, now: now())
        return UIResponse.html(renderer.document("nodes", model, title: "Nodes", chrome: await chrome(session, current: "/ui/nodes"), flash: flash))
    }

    /// `POST /ui/nodes`: a pending node and its install command (`POST /v1/nodes`).
    func enrol(_ session: Session, _ form: UIForm, _ context: GatewayRequestContext) async throws -> Response {
        var labels: [String: String] = [:]
        for pair in (form["labels"] ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, !kv[0].isEmpty else { throw HTTPResponseError(.invalidArguments, "labels are key=value pairs separated by commas") }
            labels[kv[0]] = kv[1]
        }
        let added = try await call(.addNode, session, body: AddNodeRequest(name: form["name"] ?? "", labels: labels))
            .decode(AddNodeResponse.self)
        return try await nodes(session, context, enrolled: added, flash: UIFlash(text: "Node \(added.node) is waiting for its agent.", tone: "ok"))
    }

    /// `POST /ui/nodes/{name}/remove` (`DELETE /v1/nodes/{name}`).
    func removeNode(_ session: Session, name: String, _ context: GatewayRequestContext) async throws -> Response {
        _ = try await call(.removeNode, session, parameters: ["name": name])
        return try await nodes(session, context, flash: UIFlash(text: "Node \(name) was removed.", tone: "ok"))
    }

    func jobs(_ session: Session, _ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let status = request.uri.queryParameters["status"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        var query = [("limit", "100")]
        if let status { query.append(("status", status)) }
        let jobs = try await call(.listJobs, session, query: UIForm.encode(query)).decode([JobSummary].self)
        let model = UIJobsPage(jobs: jobs, status: status, role: session.principal.role, csrf: session.csrf, now: now())
        return UIResponse.html(renderer.document("jobs", model, title: "Jobs", chrome: await chrome(session, current: "/ui/jobs")))
    }

    /// `POST /ui/jobs`: runs a command (`POST /v1/jobs`), then shows the job as it runs.
    func submit(_ session: Session, _ form: UIForm, _ context: GatewayRequestContext) async throws -> Response {
        let targets = (form["targets"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        let submission = UIJobSubmission(verb: form["verb"] ?? "", arguments: form["arguments"] ?? "", targets: targets.isEmpty ? nil : targets)
        let submitted = try await call(.submitJob, session, body: submission).decode(SubmitJobResponse.self)
        return UIResponse.redirect("/ui/jobs/\(submitted.jobID.description.lowercased())")
    }

    func job(_ session: Session, id: String, _ context: GatewayRequestContext) async throws -> Response {
        let detail = try await call(.getJob, session, parameters: ["id": id]).decode(JobDetail.self)
        let model = UIJobPage(detail, now: now())
        return UIResponse.html(renderer.document("job", model, title: "Job \(model.short)", chrome: await chrome(session, current: "/ui/jobs")))
    }

    func audit(_ session: Session, _ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let filter = UIForm(encoded: request.uri.query ?? "")
        var query = [("limit", "200")]
        for name in ["actor", "action", "target"] { if let value = filter[name] { query.append((name, value)) } }
        let entries = try await call(.listAudit, session, query: UIForm.encode(query)).decode([AuditEntry].self)
        var verification: AuditVerification?
        if filter["verify"] != nil { verification = try await call(.verifyAudit, session).decode(AuditVerification.self) }
        let model = UIAuditPage(entries: entries, filter: filter, verification: verification, now: now())
        return UIResponse.html(renderer.document("audit", model, title: "Audit", chrome: await chrome(session, current: "/ui/audit")))
    }
}

/// The run form's submission, as `POST /v1/jobs` reads it.
struct UIJobSubmission: Encodable, Sendable {
    var verb: String
    var arguments: String
    var targets: [String]?
}
