import CoxswainCore
import CoxswainCrypto
import Foundation
import GatewayService
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A property-based fuzzer over the Gateway's route table (`Endpoint.allCases`): every route —
/// including ones added later — gets `COXSWAIN_FUZZ_EXAMPLES` (default 16, one per kind of body) generated requests over
/// HTTP as an owner: valid-looking and garbage path ids, extreme query values, and JSON bodies
/// built from the request type's fields with extreme, mistyped, huge, NUL, lone-surrogate,
/// invalid-UTF-8 and deeply nested values, plus empty, non-JSON and valid-ish bodies.
///
/// No answer may be a 5xx, no request may go unanswered for 10 s, and afterwards the Gateway must
/// be alive and healthy. Generation is seeded: the seed is printed, `COXSWAIN_FUZZ_SEED` replays it.
@Suite("API fuzzer", .serialized, .enabled(if: TestEnvironment.enabled, "set COXSWAIN_INTEGRATION=1 (scripts/test.sh does)"))
struct APIFuzzTests {
    static let password = "fuzz-owner-password"

    @Test("generated requests to every route never get a 5xx or hang, and the Gateway lives", .timeLimit(.minutes(6)))
    func everyRouteSurvivesGeneratedRequests() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["COXSWAIN_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0..<1_000_000_000_000)
        let examples = max(1, environment["COXSWAIN_FUZZ_EXAMPLES"].flatMap { Int($0) } ?? 16)
        print("APIFuzzTests: seed \(seed), \(examples) requests per route; replay with COXSWAIN_FUZZ_SEED=\(seed)")

        // Login and invitation attempts are throttled (10 a minute by default): raised so that their
        // bodies reach the decoder instead of a 429 after the tenth request.
        try await TestPlatform.with(nodes: ["node-a"], gatewaySettings: ["gateway.login_rate_per_minute=100000"]) { p in
            print("APIFuzzTests: platform directory \(p.directory)")
            var fuzzer = try await APIFuzzer.prepare(p, seed: seed)
            let clock = ContinuousClock()
            let started = clock.now

            // Destructive routes last. A DELETE (remove a node, member, token, notification,
            // credential; purge jobs and nodes) or a logout could take away what later requests
            // stand on — the platform's own node, the fuzzing owner, its token, the job that job
            // routes point at. So every non-destructive route is fuzzed first, in table order, and
            // only then the destructive ones. Even then, their valid-looking ids never name the
            // platform's node, the fuzzing owner or its token: each such id is a victim created just
            // before the request (a pending node, a viewer, a token, a webhook; see
            // `APIFuzzer.validID`), and the owner's token is a Bearer token, which logout leaves alone.
            // The run ends by checking that the token still works.
            let destructive = Endpoint.allCases.filter { $0.method == .delete || $0.path.hasSuffix("/logout") }
            let ordered = Endpoint.allCases.filter { !destructive.contains($0) } + destructive

            routes: for endpoint in ordered {
                for example in 0..<examples {
                    let request = await fuzzer.generate(endpoint, example: example)
                    if await fuzzer.send(request, endpoint: endpoint) == .gatewayDied { break routes }
                }
            }
            let seconds = Double((clock.now - started).components.seconds)
            for endpoint in ordered {
                let counts = (fuzzer.statuses[endpoint] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
                print("APIFuzzTests: \(endpoint.method.rawValue) \(endpoint.path): \(counts) in \(String(format: "%.1f", fuzzer.seconds[endpoint] ?? 0)) s")
            }
            print("APIFuzzTests: \(fuzzer.sent) requests to \(ordered.count) routes in \(Int(seconds)) s, \(fuzzer.findings.count) findings (seed \(seed))")

            let errors = p.log("gateway", lines: 1_000_000).split(separator: "\n")
                .filter { $0.contains("request failed") || $0.contains("Fatal error") || $0.contains("error:") }
                .map { String($0.prefix(600)) }
            // The whole list, once: printed one per line and kept in the platform directory.
            let report = """
                \(fuzzer.findings.count) of \(fuzzer.sent) generated requests failed (seed \(seed), replay with COXSWAIN_FUZZ_SEED=\(seed)):
                \(fuzzer.findings.map { "- \($0)" }.joined(separator: "\n"))
                distinct: \(Dictionary(grouping: fuzzer.findings, by: \.signature).sorted { $0.key < $1.key }.map { signature, group in
                    "\(signature) (\(group.count)×, routes: \(Set(group.map(\.endpoint.path)).sorted().joined(separator: " ")))"
                }.joined(separator: "; "))
                Gateway log errors (\(p.directory)/gateway.log):
                \(errors.suffix(60).joined(separator: "\n"))
                """
            let failed = fuzzer.findings.count
            if failed > 0 {
                print("APIFuzzTests: " + report.replacingOccurrences(of: "\n", with: "\nAPIFuzzTests: "))
                try? report.write(toFile: p.directory + "/fuzz/findings.txt", atomically: true, encoding: .utf8)
            }
            #expect(failed == 0, "\(report)")

            // Alive, healthy, and the owner's token still works (the destructive routes ran last
            // and never pointed at it).
            let pid = try #require(p.pid("gateway"))
            #expect(kill(pid, 0) == 0 && !APIFuzzer.isZombie(pid), "the Gateway died:\n\(p.log("gateway"))")
            let (health, healthBody) = try await p.http("GET", "/v1/health")
            #expect(health == 200, "/v1/health after fuzzing: \(health) \(healthBody)\n\(p.log("gateway"))")
            let (whoami, whoamiBody) = try await p.http("GET", "/v1/whoami", headers: fuzzer.auth)
            #expect(whoami == 200, "the owner's token stopped working during the run: \(whoami) \(whoamiBody)")
            #expect(!p.log("gateway", lines: 1_000_000).contains("Fatal error"), "\(p.log("gateway"))")
        }
    }
}

// MARK: Generation and sending

/// One generated HTTP request.
struct FuzzRequest {
    var method: String
    /// Path and query, already percent-encoded as it is to be sent (or deliberately not).
    var target: String
    var headers: [String]
    var body: [UInt8]?
    /// What was generated, in a few words (`path id=garbage, body nul@name`): the minimal input.
    var label: String

    var bodyExcerpt: String {
        guard let body else { return "(no body)" }
        if body.isEmpty { return "(empty body)" }
        let text = Self.printable(body.prefix(160))
        return body.count > 160 ? "\(text)… (\(body.count) bytes)" : text
    }

    /// Bytes as text safe to print: control characters (a raw NUL cuts test output short) and
    /// invalid UTF-8 shown as escapes.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.map { c in
            c.value < 0x20 || c.value == 0x7F || c.value == 0xFFFD ? "\\u{\(String(c.value, radix: 16))}" : String(c)
        }.joined()
    }
}

/// A request that went wrong: a 5xx, no answer within 10 s, no HTTP answer at all, or the
/// Gateway's death.
struct FuzzFinding: CustomStringConvertible {
    let kind: String
    let endpoint: Endpoint
    let request: FuzzRequest
    let status: Int
    let response: String

    /// What makes two findings the same bug, roughly: kind, status and method sent.
    var signature: String { "\(kind), \(status), \(request.method)" }

    var description: String {
        let target = request.target.count > 160 ? String(request.target.prefix(160)) + "… (\(request.target.utf8.count) bytes)" : request.target
        let headers = request.headers.filter { !$0.hasPrefix("Authorization: Bearer cx") && $0 != "Expect:" }.joined(separator: " | ")
        return
            "\(kind) \(status) \(request.method) \(FuzzRequest.printable(target.utf8)) [\(FuzzRequest.printable(request.label.utf8))] headers: \(FuzzRequest.printable(headers.utf8.prefix(200))) body: \(request.bodyExcerpt) → \(FuzzRequest.printable(response.utf8.prefix(300)))"
    }
}

/// The fuzzing state for one platform: the owner's token, the things valid-looking ids point at,
/// the seeded generator and what went wrong so far.
struct APIFuzzer {
    enum Outcome { case answered, gatewayDied }

    let platform: TestPlatform
    let auth: [String]
    let jobID: String
    /// An uploaded artifact's content and digest.
    let artifact: [UInt8]
    let artifactDigest: String
    /// A queued bootstrap run, for the bootstrap routes' ids.
    let bootstrapRunID: String?
    let seed: UInt64
    var rng: FuzzRandom
    var sent = 0
    var findings: [FuzzFinding] = []
    /// Route → status → count, printed so that a run shows it reached the handlers (not only 401s and 404s).
    var statuses: [Endpoint: [Int: Int]] = [:]
    /// Route → seconds spent on it.
    var seconds: [Endpoint: Double] = [:]
    /// Numbers victims and valid-ish names so that they do not collide.
    var counter = 0

    /// Creates an owner of team "default" (on the socket, as AuthorizationTests does), logs in
    /// over HTTP, makes an API token, runs one job and uploads one artifact for ids to point at.
    static func prepare(_ p: TestPlatform, seed: UInt64) async throws -> APIFuzzer {
        let user = "fuzz-owner"
        let created = try await p.cli(["user", "create", user, "--role", "owner", "--password-stdin"], stdin: APIFuzzTests.password)
        guard created.status == 0 else { throw HarnessError("user create \(user): \(created)") }
        let (loggedIn, loginBody) = try await p.http("POST", "/v1/login", body: #"{"user":"\#(user)","password":"\#(APIFuzzTests.password)"}"#)
        guard loggedIn == 200, let session = (try JSONSerialization.jsonObject(with: Data(loginBody.utf8)) as? [String: Any])?["session"] as? String else {
            throw HarnessError("login \(user): \(loggedIn) \(loginBody)")
        }
        let (madeToken, tokenBody) = try await p.http("POST", "/v1/tokens", headers: ["Authorization: Session \(session)"], body: #"{"name":"fuzz"}"#)
        guard madeToken == 201, let secret = (try JSONSerialization.jsonObject(with: Data(tokenBody.utf8)) as? [String: Any])?["secret"] as? String else {
            throw HarnessError("token for \(user): \(madeToken) \(tokenBody)")
        }
        let auth = ["Authorization: Bearer \(secret)"]

        let job = try await p.cli(["exec", "--verb", "ECHO", "fuzz-marker", "--wait", "--output", "json"])
        let jobID = ((try? JSONSerialization.jsonObject(with: Data(job.stdout.utf8)) as? [String: Any])?["job"] as? [String: Any])?["id"] as? String ?? ""
        guard !jobID.isEmpty else { throw HarnessError("no job to point at: \(job)") }

        let artifact = Array("fuzz artifact content\n".utf8)
        let digest = CoxswainCrypto.Digest.sha256Hex(artifact)
        let (uploaded, uploadBody) = try await p.http("PUT", "/v1/artifacts/\(digest)", headers: auth, body: String(decoding: artifact, as: UTF8.self))
        guard uploaded == 201 || uploaded == 200 else { throw HarnessError("artifact upload: \(uploaded) \(uploadBody)") }

        let (_, runBody) = try await p.http("POST", "/v1/bootstrap", headers: auth, body: bootstrapSample(0))
        let runID = (try? JSONSerialization.jsonObject(with: Data(runBody.utf8)) as? [String: Any])?["runID"] as? String

        try FileManager.default.createDirectory(atPath: p.directory + "/fuzz", withIntermediateDirectories: true)
        return APIFuzzer(
            platform: p, auth: auth, jobID: jobID, artifact: artifact, artifactDigest: digest, bootstrapRunID: runID, seed: seed, rng: FuzzRandom(seed: seed)
        )
    }

    // MARK: Requests

    /// One generated request for `endpoint`. For a route with a body, examples 0..<BodyKind.count
    /// go through every kind of body once (so each is always covered), later ones pick at random.
    mutating func generate(_ endpoint: Endpoint, example: Int) async -> FuzzRequest {
        counter += 1
        var labels: [String] = []

        // Path: each `:parameter` is a valid-looking id (40 %) or a garbage one; at most one huge
        // one per request (two 100 KB segments make a request head the HTTP parser refuses by closing
        // the connection, before the Gateway sees it).
        var segments: [String] = []
        var hugeUsed = false
        for segment in endpoint.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            guard segment.hasPrefix(":") else {
                segments.append(segment)
                continue
            }
            let name = String(segment.dropFirst())
            if rng.chance(0.4) {
                segments.append(await validID(endpoint, name))
                labels.append("\(name)=valid")
            } else {
                var garbage = rng.pick(FuzzValues.garbageIDs)
                if garbage.utf8.count > 4096 {
                    if hugeUsed { garbage = String(garbage.prefix(4096)) }
                    hugeUsed = true
                }
                segments.append(garbage)
                labels.append("\(name)=\(garbage.count > 40 ? "\(garbage.prefix(12))…(\(garbage.count))" : garbage)")
            }
        }
        var target = segments.joined(separator: "/")

        // Query: extreme values, more often on reads.
        if rng.chance(endpoint.method == .get ? 0.6 : 0.25) {
            let query = (0..<(1 + Int(rng.next() % 3))).map { _ in rng.pick(FuzzValues.queries) }.joined(separator: "&")
            target += "?" + query
            labels.append("query \(query.count > 60 ? String(query.prefix(60)) + "…" : query)")
        }

        // Headers: the owner's token, now and then a garbage credential, team or request id.
        var headers = ["Expect:"]  // no 100-continue pause before large bodies
        if rng.chance(0.1) {
            let garbage = rng.pick(FuzzValues.authorizations)
            headers.append("Authorization: \(garbage)")
            labels.append("auth \(garbage.prefix(20))")
        } else if endpoint.minimumRole != nil || rng.chance(0.3) {
            headers += auth
        }
        if rng.chance(0.08) {
            let team = rng.pick(FuzzValues.headerValues)
            headers.append("X-Coxswain-Team: \(team)")
            labels.append("team header \(team.prefix(20))")
        }
        if rng.chance(0.08) {
            let id = rng.pick(FuzzValues.headerValues)
            headers.append("X-Request-ID: \(id)")
            labels.append("request id \(id.prefix(20))")
        } else {
            headers.append("X-Request-ID: fuzz-\(seed)-\(counter)")
        }
        if endpoint == .nodeArtifact || rng.chance(0.05) {
            // A node's signed download: fuzzed signature headers.
            headers.append("\(ArtifactFetch.nodeHeader): \(rng.chance(0.5) ? "node-a" : rng.pick(FuzzValues.headerValues))")
            headers.append("\(ArtifactFetch.taskHeader): \(rng.chance(0.5) ? rng.uuid() : rng.pick(FuzzValues.headerValues))")
            headers.append("\(ArtifactFetch.timeHeader): \(rng.chance(0.3) ? String(Int(Date().timeIntervalSince1970)) : rng.pick(FuzzValues.numbers))")
            headers.append("\(ArtifactFetch.signatureHeader): \(rng.chance(0.5) ? Data(count: 64).base64EncodedString() : rng.pick(FuzzValues.headerValues))")
            labels.append("artifact-fetch headers")
        }

        // Body.
        var body: [UInt8]?
        let spec = bodySpec(endpoint)
        let takesBody = spec != nil || endpoint.method == .post || endpoint.method == .put
        if takesBody || rng.chance(0.2) {
            let kind = takesBody && example < BodyKind.allCases.count ? BodyKind.allCases[example] : rng.pick(BodyKind.allCases)
            let generated = makeBody(kind, spec: spec ?? FuzzBodySpec(type: "none", fields: ["name", "id"], sample: .object([])))
            body = generated.bytes
            labels.append("body \(generated.label)")
            if kind == .chunked { headers.append("Transfer-Encoding: chunked") }
            if rng.chance(0.08) {
                let contentType = rng.pick(FuzzValues.contentTypes)
                headers.append("Content-Type: \(contentType)")
                labels.append("content-type '\(contentType)'")
            } else {
                headers.append("Content-Type: application/json")
            }
        }
        // Now and then a method the route does not have (HEAD is left out: curl would wait for its body).
        var method = endpoint.method.rawValue
        if rng.chance(0.04) {
            method = rng.pick(["PATCH", "OPTIONS", "TRACE", "CONNECT", "FUZZ", "get", endpoint.method == .get ? "DELETE" : "GET"])
            labels.append("method \(method)")
        }
        return FuzzRequest(method: method, target: target, headers: headers, body: body, label: labels.joined(separator: ", "))
    }

    /// A valid-looking value for a path parameter. Ids that destructive routes act on name a
    /// victim created just now, never the platform's node, the fuzzing owner or its token.
    mutating func validID(_ endpoint: Endpoint, _ parameter: String) async -> String {
        counter += 1
        let n = counter
        let p = platform
        func created(_ path: String, _ body: String, _ key: String) async -> String? {
            guard let (status, response) = try? await p.http("POST", path, headers: auth, body: body), (200..<300).contains(status) else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: Any])?[key] as? String
        }
        switch (endpoint, parameter) {
        case (.getJob, "id"), (.jobEvents, "id"):
            return rng.chance(0.7) ? jobID : "last"
        case (.removeNode, "name"):
            return await created("/v1/nodes", #"{"name":"victim-\#(n)"}"#, "node") ?? "victim-\(n)"
        case (.revokeToken, "id"):
            return await created("/v1/tokens", #"{"name":"victim-\#(n)"}"#, "id") ?? rng.uuid()
        case (.removeNotification, "id"), (.testNotification, "id"):
            return await created("/v1/notifications", #"{"url":"http://127.0.0.1:9/victim-\#(n)","events":["job.failed"]}"#, "id") ?? rng.uuid()
        case (.setRole, "user"), (.removeMember, "user"), (.getUser, "user"), (.disableUser, "user"), (.enableUser, "user"), (.removeUser, "user"),
            (.setPassword, "user"):
            return await created("/v1/users", #"{"name":"victim-\#(n)","password":"victim-password","role":"viewer"}"#, "name") ?? "victim-\(n)"
        case (_, "id") where endpoint.path.hasPrefix("/v1/bootstrap/"):
            return bootstrapRunID ?? rng.uuid()
        case (_, "digest"):
            return rng.chance(0.7) ? artifactDigest : CoxswainCrypto.Digest.sha256Hex("not uploaded \(n)")
        case (_, "host"):
            return rng.pick(["127.0.0.1", "victim.example", "[::1]", "example.com:22"])
        case (_, "name"), (_, "user"):
            return "victim-\(n)"
        case (_, "product"):
            // A product that exists (so the version and image routes are reached), or a garbage name.
            _ = await created("/v1/products", #"{"name":"fuzz-product","kind":"complex"}"#, "name")
            _ = await created("/v1/products/fuzz-product/versions", #"{"name":"1.0","kind":"rolling"}"#, "name")
            return rng.chance(0.7) ? "fuzz-product" : "victim-\(n)"
        case (_, "version"):
            return rng.chance(0.7) ? "1.0" : "victim-\(n)"
        case (_, "image"), (_, "token"):
            return "victim-\(n)"
        default:
            return rng.uuid()
        }
    }

    /// The route's request body type, as a sample to mutate; nil for routes that read no body.
    func bodySpec(_ endpoint: Endpoint) -> FuzzBodySpec? {
        let n = counter
        let key = Data(count: 32).base64EncodedString()
        switch endpoint {
        case .login: return FuzzBodySpec(LoginRequest(user: "fuzz-nobody-\(n)", password: "not-the-password"))
        case .acceptInvitation: return FuzzBodySpec(AcceptInvitationRequest(invitation: "cxi_fuzz", user: "fuzz-joiner-\(n)", password: "joiner-password"))
        case .enrol:
            return FuzzBodySpec(
                EnrolRequest(node: "fuzz-enrol-\(n)", token: "cxe_fuzz", machineID: "fuzz-machine", signingPublicKey: key, sealingPublicKey: key))
        case .submitJob:
            var job = SubmitJobRequest(verb: "ECHO", arguments: "fuzz \(n)", targets: ["node-a"], timeoutSeconds: 30, secretEnvironment: ["FUZZ_SECRET": "x"])
            job.steps = [JobStep(verb: "ECHO", arguments: "fuzz step \(n)", assign: ["node-a"], name: "step")]
            job.name = "fuzz-\(n)"
            job.batch = "1"
            job.batchFailFast = true
            job.batchWaitSeconds = 0.5
            job.targetLabelSelectors = ["role=fuzz,dc in (a,b)", "!canary"]
            job.targetFacts = ["os=debian"]
            return FuzzBodySpec(job)
        case .matchNodes:
            return FuzzBodySpec(
                MatchNodesRequest(
                    targets: ["node-*", "node-a,node-b"], targetLabels: ["role": "fuzz"], targetLabelSelectors: ["dc notin (x)"], targetFacts: ["os"]))
        case .addNode: return FuzzBodySpec(AddNodeRequest(name: "fuzz-node-\(n)", labels: ["role": "fuzz"], expiresInSeconds: 600))
        case .createTeam: return FuzzBodySpec(CreateTeamRequest(name: "fuzz-team-\(n)"))
        case .invite: return FuzzBodySpec(InviteRequest(role: .viewer, expiresInSeconds: 3600))
        case .setRole: return FuzzBodySpec(SetRoleRequest(role: .viewer))
        case .createUser: return FuzzBodySpec(CreateUserRequest(name: "fuzz-user-\(n)", password: "fuzz-user-password", role: .viewer))
        case .createToken: return FuzzBodySpec(CreateTokenRequest(name: "fuzz-token-\(n)", role: .viewer, expiresInSeconds: 3600))
        case .setPassword: return FuzzBodySpec(ChangePasswordRequest(currentPassword: "fuzz-current-password", newPassword: "fuzz-new-password-\(n)"))
        case .addNotification: return FuzzBodySpec(AddNotificationRequest(url: "http://127.0.0.1:9/fuzz-\(n)", format: "generic", events: ["job.failed"]))
        case .addCredential:
            return FuzzBodySpec(
                SSHCredentialRequest(
                    name: "fuzz-cred-\(n)", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", passphrase: "pass"))
        case .submitBootstrap:
            // BootstrapRunRequest lives in CoxswainCatalog, which this test target does not depend on: its fields by hand.
            return FuzzBodySpec(
                type: "BootstrapRunRequest", fields: ["plan", "threads", "acceptNewHostKeys", "privateKey", "passphrase", "credential"],
                sample: FuzzJSON.parse(Array(Self.bootstrapSample(n).utf8))
            )
        case .containerRead:
            return FuzzBodySpec(
                ContainerOperationRequest(operation: ContainerOperation(action: .list, prefix: "fuzz", all: true), targets: ["node-a"], timeoutSeconds: 30))
        case .containerControl:
            return FuzzBodySpec(
                ContainerOperationRequest(operation: ContainerOperation(action: .stop, container: "fuzz-\(n)", timeSeconds: 1), targets: ["node-a"]))
        case .containerAdmin:
            return FuzzBodySpec(ContainerOperationRequest(operation: ContainerOperation(action: .remove, prefix: "fuzz"), targets: ["node-a"]))
        case .createProduct: return FuzzBodySpec(ProductRequest(name: "fuzz-\(n)", kind: .complex, description: "fuzz"))
        case .createVersion: return FuzzBodySpec(VersionRequest(name: "fuzz-\(n)", kind: .incremental, changelog: "fuzz"))
        case .addImage, .updateImage:
            return FuzzBodySpec(
                ImageRequest(
                    name: "fuzz-\(n)", registry: "local", image: "demo/httpd", tag: "1", position: 0,
                    config: ContainerConfig(
                        environment: ["A": "{{ version }}"], ports: [ContainerConfig.Port(internal: 80, external: 8080, hostIP: "127.0.0.1")],
                        memoryBytes: 1 << 20, healthCheck: ContainerConfig.HealthCheck(test: ["CMD", "true"], intervalSeconds: 1, retries: 1))))
        case .createDeployment, .updateDeployment:
            return FuzzBodySpec(DeploymentRequest(product: "fuzz-product", node: "node-a", prefix: "fuzz\(n)", note: "fuzz", secrets: ["A": "b"]))
        case .deploy: return FuzzBodySpec(DeployRequest(instances: ["web"], overrideProtection: false, timeoutSeconds: 60))
        case .copyDeployment: return FuzzBodySpec(CopyDeploymentRequest(node: "node-a", prefix: "fuzz\(n)"))
        case .createDeployToken: return FuzzBodySpec(DeployTokenRequest(name: "fuzz-\(n)", expiresInSeconds: 3600))
        case .uploadArtifact:
            // Raw content, not JSON; the valid body is the uploaded artifact itself.
            return FuzzBodySpec(type: "artifact content", fields: [], sample: .verbatim(artifact))
        default: return nil
        }
    }

    /// A bootstrap run of one host with no steps, to a port nothing listens on (and no
    /// Bootstrapper runs in this platform: the run only waits in the queue).
    static func bootstrapSample(_ n: Int) -> String {
        #"{"plan":{"hosts":[{"name":"fuzz-host-\#(n)","host":"127.0.0.1","port":1,"username":"fuzz","role":"client","steps":[]}],"localSources":[]},"threads":1,"privateKey":"not a key","acceptNewHostKeys":false}"#
    }

    /// Builds a body of `kind` from the route's body type.
    mutating func makeBody(_ kind: BodyKind, spec: FuzzBodySpec) -> (bytes: [UInt8], label: String) {
        func field() -> String { spec.fields.isEmpty ? "name" : rng.pick(spec.fields) }
        func mutated(_ value: FuzzJSON, _ what: String) -> (bytes: [UInt8], label: String) {
            let (path, name) = randomPath(in: spec.sample, fields: spec.fields)
            return (spec.sample.replacing(path[...], with: value).bytes, "\(what)@\(name)")
        }
        switch kind {
        case .valid:
            return (spec.sample.bytes, "valid \(spec.type)")
        case .extremeNumber:
            let number = rng.pick(FuzzValues.numbers)
            return mutated(.literal(number), number)
        case .wrongType:
            let value = rng.pick(FuzzValues.wrongTypes)
            return mutated(value, "wrong type \(String(decoding: value.bytes.prefix(20), as: UTF8.self))")
        case .hugeString:
            let (value, what) = rng.pick(FuzzValues.hugeStrings)
            return mutated(value, what)
        case .nul:
            let (value, what) = rng.pick(FuzzValues.nuls)
            return mutated(value, what)
        case .loneSurrogate:
            let surrogate = rng.pick(FuzzValues.surrogates)
            return mutated(.escaped(surrogate), "surrogate \(surrogate)")
        case .invalidUTF8:
            let bytes = rng.pick(FuzzValues.invalidUTF8)
            return mutated(.bytes(bytes), "invalid UTF-8 \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
        case .deepField:
            let (value, what) = rng.pick(FuzzValues.deep)
            return mutated(value, what)
        case .deepBody:
            let (value, what) = rng.pick(FuzzValues.deep)
            return (value.bytes, "whole body \(what)")
        case .empty:
            return ([], "empty")
        case .nonJSON:
            if rng.chance(0.2) {
                return ((0..<256).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, "256 random bytes")
            }
            let text = rng.pick(FuzzValues.nonJSON)
            return (Array(text.utf8), "non-JSON '\(text.prefix(30))'")
        case .wrongTopLevel:
            let text = rng.pick(FuzzValues.topLevels)
            return (Array(text.utf8), "top level \(text)")
        case .manyMutations:
            var body = spec.sample
            var names: [String] = []
            for name in spec.fields.isEmpty ? ["name"] : spec.fields where rng.chance(0.5) {
                body = body.replacing([.key(name)][...], with: anyValue())
                names.append(name)
            }
            return (body.bytes, "random values@\(names.joined(separator: ","))")
        case .oversized:
            let size = rng.pick([300 * 1024, 2 << 20])
            return mutated(.string(String(repeating: "x", count: size)), "\(size / 1024) KiB string")
        case .chunked:
            return (spec.sample.bytes, "chunked valid \(spec.type)")
        case .unknownFields:
            var pairs: [(String, FuzzJSON)] = []
            if case .object(let existing) = spec.sample { pairs = existing }
            let key = rng.pick(FuzzValues.keys)
            pairs.append((key, anyValue()))
            let duplicate = field()
            pairs.append((duplicate, anyValue()))  // a duplicate key: which one wins?
            return (FuzzJSON.object(pairs).bytes, "extra key '\(key.prefix(20))', duplicate \(duplicate)")
        }
    }

    /// Any value of any pool.
    mutating func anyValue() -> FuzzJSON {
        switch rng.next() % 7 {
        case 0: .literal(rng.pick(FuzzValues.numbers))
        case 1: rng.pick(FuzzValues.wrongTypes)
        case 2: rng.pick(FuzzValues.hugeStrings).0
        case 3: rng.pick(FuzzValues.nuls).0
        case 4: .escaped(rng.pick(FuzzValues.surrogates))
        case 5: .bytes(rng.pick(FuzzValues.invalidUTF8))
        default: rng.pick(FuzzValues.deep).0
        }
    }

    /// A field of the body type, and now and then a place inside it (`steps[0].verb`).
    mutating func randomPath(in sample: FuzzJSON, fields: [String]) -> ([FuzzJSON.Step], String) {
        let name = fields.isEmpty ? "name" : rng.pick(fields)
        var path: [FuzzJSON.Step] = [.key(name)]
        var label = name
        var value = sample.value(at: .key(name))
        while let current = value, rng.chance(0.5) {
            switch current {
            case .array(let items) where !items.isEmpty:
                let i = Int(rng.next() % UInt64(items.count))
                path.append(.index(i))
                label += "[\(i)]"
                value = items[i]
            case .object(let pairs) where !pairs.isEmpty:
                let key = rng.pick(pairs).0
                path.append(.key(key))
                label += ".\(key)"
                value = current.value(at: .key(key))
            default:
                value = nil
            }
        }
        return (path, label)
    }

    /// Sends `request` with curl (raw bytes, no path normalisation, a 10 s limit) and records a
    /// finding for a 5xx, a hang, no answer, or a Gateway that died.
    mutating func send(_ request: FuzzRequest, endpoint: Endpoint) async -> Outcome {
        sent += 1
        let directory = platform.directory + "/fuzz"
        let responseFile = directory + "/response"
        try? FileManager.default.removeItem(atPath: responseFile)
        // An event stream stays open while its job or run lasts (a bootstrap run stays queued here:
        // no Bootstrapper runs): such routes get 2 s, for their headers come at once; every other
        // request 10 s.
        let limit = endpoint.path.hasSuffix("/events") ? "2" : "10"
        var args = ["-s", "-g", "--path-as-is", "--max-time", limit, "-o", responseFile, "-w", "%{http_code} %{content_type}", "-X", request.method]
        for header in request.headers { args += ["-H", header] }
        if let body = request.body {
            let file = directory + "/request"
            FileManager.default.createFile(atPath: file, contents: Data(body))
            args += ["--data-binary", "@" + file]
        }
        args.append("http://127.0.0.1:\(platform.httpPort)\(request.target)")

        let result: CommandResult
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let elapsed = (clock.now - start).components
            seconds[endpoint, default: 0] += Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        }
        do {
            result = try await runCommand("/usr/bin/curl", args, timeout: .seconds(30))
        } catch {
            findings.append(FuzzFinding(kind: "curl failed", endpoint: endpoint, request: request, status: 0, response: "\(error)"))
            return .answered
        }
        let written = result.stdout.split(separator: " ", maxSplits: 1)
        let status = written.first.flatMap { Int($0) } ?? 0
        let contentType = written.count > 1 ? String(written[1]) : ""
        let response = String(decoding: (FileManager.default.contents(atPath: responseFile) ?? Data()).prefix(400), as: UTF8.self)
        statuses[endpoint, default: [:]][status, default: 0] += 1

        switch (result.status, status) {
        case (28, _) where status == 200 && contentType.contains("event-stream"):
            return .answered  // a live event stream, answered at once: not a hang
        case (28, 0):
            findings.append(FuzzFinding(kind: "hang: no answer within \(limit) s", endpoint: endpoint, request: request, status: 0, response: response))
        case (28, _):
            // The status line came, but the answer never ended (no length, connection kept open).
            findings.append(
                FuzzFinding(kind: "hang: answer not finished within \(limit) s", endpoint: endpoint, request: request, status: status, response: response))
        case (3, 0):
            return .answered  // curl itself refused to send the URL: nothing reached the Gateway
        case (_, 0):
            let alive = await gatewayAlive()
            findings.append(
                FuzzFinding(
                    kind: alive ? "no HTTP answer (curl exit \(result.status))" : "Gateway died", endpoint: endpoint, request: request, status: 0,
                    response: result.stderr))
            if !alive { return .gatewayDied }
        case (_, 500...):
            findings.append(FuzzFinding(kind: "5xx", endpoint: endpoint, request: request, status: status, response: response))
        default:
            break
        }
        return .answered
    }

    func gatewayAlive() async -> Bool {
        guard let pid = platform.pid("gateway"), kill(pid, 0) == 0, !Self.isZombie(pid) else { return false }
        return (try? await platform.http("GET", "/v1/health").0) == 200
    }

    /// Whether `pid` has exited but is not reaped yet (`kill(pid, 0)` still succeeds then).
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}

/// The kinds of body the fuzzer sends.
enum BodyKind: CaseIterable {
    case valid, extremeNumber, wrongType, hugeString, nul, loneSurrogate, invalidUTF8, deepField, deepBody, empty, nonJSON, wrongTopLevel, manyMutations,
        unknownFields
    /// A field beyond `gateway.max_request_bytes` (256 KiB by default).
    case oversized
    /// A valid-ish body sent chunked (no Content-Length).
    case chunked
}

/// A route's request body type: its field names (by reflection on a sample, so optional fields
/// that are nil count too) and a valid-ish sample, as JSON, to mutate.
struct FuzzBodySpec {
    var type: String
    var fields: [String]
    var sample: FuzzJSON

    init(type: String, fields: [String], sample: FuzzJSON) {
        self.type = type
        self.fields = fields
        self.sample = sample
    }

    init<T: Encodable>(_ value: T) {
        type = "\(T.self)"
        fields = Mirror(reflecting: value).children.compactMap(\.label)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        sample = (try? encoder.encode(value)).map { FuzzJSON.parse(Array($0)) } ?? .object([])
    }
}

/// JSON as the fuzzer writes it: numbers as literal text (so `9223372036854775808` stays itself),
/// strings as escaped text or raw bytes (lone surrogates, invalid UTF-8), duplicate keys, and
/// verbatim bytes (deep nesting, written without recursion).
indirect enum FuzzJSON {
    /// A number, `true`, `false` or `null`, written as is.
    case literal(String)
    /// A string, escaped on output.
    case string(String)
    /// A string's content written verbatim between the quotes (`\ud800`).
    case escaped(String)
    /// A string's content as raw bytes between the quotes (invalid UTF-8).
    case bytes([UInt8])
    case array([FuzzJSON])
    /// Keys are written verbatim between quotes; duplicates allowed.
    case object([(String, FuzzJSON)])
    /// Anything, written as is.
    case verbatim([UInt8])

    enum Step {
        case key(String)
        case index(Int)
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .literal(let text): out += Array(text.utf8)
        case .string(let text):
            out.append(0x22)
            for byte in text.utf8 {
                switch byte {
                case 0x22: out += Array(#"\""#.utf8)
                case 0x5C: out += Array(#"\\"#.utf8)
                case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
                default: out.append(byte)
                }
            }
            out.append(0x22)
        case .escaped(let text): out += [0x22] + Array(text.utf8) + [0x22]
        case .bytes(let bytes): out += [0x22] + bytes + [0x22]
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += [0x22] + Array(key.utf8) + [0x22, UInt8(ascii: ":")]
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .verbatim(let bytes): out += bytes
        }
    }

    func value(at step: Step) -> FuzzJSON? {
        switch (self, step) {
        case (.object(let pairs), .key(let key)): pairs.first { $0.0 == key }?.1
        case (.array(let items), .index(let i)) where items.indices.contains(i): items[i]
        default: nil
        }
    }

    /// This value with the one at `path` replaced (an object key that is missing is added).
    func replacing(_ path: ArraySlice<Step>, with new: FuzzJSON) -> FuzzJSON {
        guard let step = path.first else { return new }
        switch (self, step) {
        case (.object(var pairs), .key(let key)):
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                pairs[i].1 = pairs[i].1.replacing(path.dropFirst(), with: new)
            } else {
                pairs.append((key, FuzzJSON.object([]).replacing(path.dropFirst(), with: new)))
            }
            return .object(pairs)
        case (.array(var items), .index(let i)) where items.indices.contains(i):
            items[i] = items[i].replacing(path.dropFirst(), with: new)
            return .array(items)
        default:
            return path.count == 1 ? .object([(Self.name(of: step), new)]) : self
        }
    }

    private static func name(of step: Step) -> String {
        switch step {
        case .key(let key): key
        case .index(let i): String(i)
        }
    }

    /// Parses JSON as `JSONEncoder` writes it, keeping number text, string escapes and key order.
    static func parse(_ bytes: [UInt8]) -> FuzzJSON {
        var i = 0
        return parseValue(bytes, &i)
    }

    private static func skipSpace(_ b: [UInt8], _ i: inout Int) {
        while i < b.count, [0x20, 0x0A, 0x0D, 0x09].contains(b[i]) { i += 1 }
    }

    private static func parseString(_ b: [UInt8], _ i: inout Int) -> String {
        i += 1  // opening quote
        let start = i
        while i < b.count, b[i] != 0x22 { i += b[i] == 0x5C ? 2 : 1 }
        defer { i += 1 }
        return String(decoding: b[start..<min(i, b.count)], as: UTF8.self)
    }

    private static func parseValue(_ b: [UInt8], _ i: inout Int) -> FuzzJSON {
        skipSpace(b, &i)
        guard i < b.count else { return .literal("null") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var pairs: [(String, FuzzJSON)] = []
            while true {
                skipSpace(b, &i)
                guard i < b.count, b[i] != UInt8(ascii: "}") else { break }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                let key = parseString(b, &i)
                skipSpace(b, &i)
                i += 1  // colon
                pairs.append((key, parseValue(b, &i)))
            }
            i += 1
            return .object(pairs)
        case UInt8(ascii: "["):
            i += 1
            var items: [FuzzJSON] = []
            while true {
                skipSpace(b, &i)
                guard i < b.count, b[i] != UInt8(ascii: "]") else { break }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                items.append(parseValue(b, &i))
            }
            i += 1
            return .array(items)
        case 0x22:
            return .escaped(parseString(b, &i))
        default:
            let start = i
            while i < b.count, !",]} \n\r\t".utf8.contains(b[i]) { i += 1 }
            return .literal(String(decoding: b[start..<i], as: UTF8.self))
        }
    }
}

/// The pools generated values are drawn from.
enum FuzzValues {
    /// Path ids as they go on the wire (already percent-encoded, or deliberately not).
    static let garbageIDs: [String] = [
        String(repeating: "a", count: 5_000), String(repeating: "7", count: 100_000), String(repeating: "%C3%A9", count: 2_000),
        "..", "%2e%2e", "..%2F..%2F..%2Fetc%2Fpasswd", "....//....//etc", "%00", "a%00b", "%2F", "%", "%ZZ", "%C3%BC", "ü", "%F0%9F%92%A5",
        "%FF%FE", "%ED%A0%80", "%C0%AF", "-1", "-9223372036854775809", "9223372036854775808", "0", "1e300", "-0",
        "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ",
        "last", "%20", "'%20OR%201=1--", "*", "%2A", "null", "undefined", "NaN", String(repeating: "f", count: 63), String(repeating: "f", count: 65),
        String(repeating: "F", count: 64), ";", "%3B", "~", "$%7Bjndi:ldap%7D",
    ]

    static let queries: [String] = [
        "limit=-1", "limit=99999999999999999999", "limit=0", "limit=1e300", "limit=abc", "limit=", "limit=%00", "limit=9223372036854775807",
        "limit=-9223372036854775809", "limit=100000", "limit=1&limit=-1", "since=300000-01-01T00:00:00Z", "since=-300000-01-01T00:00:00Z",
        "since=0000-00-00T00:00:00Z", "since=-1", "since=%00", "since=2020-13-45T99:99:99Z", "since=1e300", "since=9999-12-31T23:59:60Z",
        "port=70000", "port=-1", "port=0", "port=9223372036854775808", "port=%00", "status=bogus", "status=,,,",
        "status=" + String(repeating: "failed,", count: 2_000),
        "parent=not-a-uuid", "parent=%00", "format=xml", "format=csv", "format=jsonl", "host=%00", "host=" + String(repeating: "h", count: 5_000),
        "name=%FF%FE", "actor=%ED%A0%80", "action=%00", "target=" + String(repeating: "t", count: 5_000), "%ZZ=%ZZ", "a[b]=c", "=", "&&&",
        "limit", "ü=ü", "older_than=-1", "after=-1", "offset=-9223372036854775809", "digest=..",
    ]

    static let numbers: [String] = [
        "1e300", "-1e300", "9223372036854775808", "-9223372036854775809", "0", "-1", "1e-300", "9223372036854775807", "-9223372036854775808",
        "18446744073709551616", "1.5", "-0", "1E400", "-1E400", "0.0000000000000000000000001", "123456789012345678901234567890", "4294967296",
        "2147483648", "-2147483649", "65536", "1e18",
    ]

    static let wrongTypes: [FuzzJSON] = [
        .string("fuzz"), .string(""), .string("12"), .string("1e300"), .array([]), .array([.literal("1"), .string("x"), .literal("null")]),
        .object([]), .object([("a", .literal("1"))]), .literal("null"), .literal("true"), .literal("false"),
    ]

    static let hugeStrings: [(FuzzJSON, String)] = [
        (.string(String(repeating: "a", count: 100_000)), "100k 'a'"), (.string(String(repeating: "é", count: 100_000)), "100k 'é'"),
        (.string(String(repeating: "💥", count: 30_000)), "30k emoji"), (.string(String(repeating: "../", count: 33_000)), "33k '../'"),
        (.escaped(String(repeating: #"\\"#, count: 50_000)), "50k escaped backslashes"),
        (.escaped(String(repeating: #"\u0041"#, count: 30_000)), "30k \\u0041 escapes"),
    ]

    static let nuls: [(FuzzJSON, String)] = [
        (.escaped(#"\u0000"#), "\\u0000"), (.escaped(#"a\u0000b"#), "a\\u0000b"), (.escaped(#"\u0000\u0000\u0000"#), "3 × \\u0000"),
        (.bytes([0]), "raw NUL in a string"), (.array([.escaped(#"\u0000"#)]), "[\\u0000]"), (.object([(#"\u0000"#, .literal("1"))]), "{\\u0000:1}"),
    ]

    static let surrogates: [String] = [
        #"\ud800"#, #"\udfff"#, #"x\ud800y"#, #"\ud800\ud800"#, #"\udc00\ud800"#, #"\uD83D"#, #"\ud800\u0000"#, #"\uZZZZ"#, #"\u12"#,
    ]

    static let invalidUTF8: [[UInt8]] = [
        [0xFF, 0xFE], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0x61, 0xFF, 0x62],
    ]

    /// Nesting 10,000 (and 100,000) deep: arrays and objects.
    static let deep: [(FuzzJSON, String)] = [
        (.verbatim(Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)), "10k nested arrays"),
        (.verbatim(Array((String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)).utf8)), "10k nested objects"),
        (.verbatim(Array(String(repeating: "[", count: 10_000).utf8)), "10k unclosed arrays"),
        (.verbatim(Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)), "100k nested arrays"),
    ]

    static let nonJSON: [String] = [
        "not json", "<xml/>", "{", #"{"name":"#, "{'name':'x'}", "name=x&password=y", "\u{FEFF}{}", "{}garbage", "NaN", "Infinity", "-Infinity",
        "[1,]", #"{"a":1,}"#, #""unterminated"#, "{\"a\":01}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":0x10}", "/* comment */ {}", "\u{0}", " ",
    ]

    static let topLevels: [String] = ["[]", "null", "1e300", #""str""#, "true", "[{}]", "0", "-1", "9223372036854775808", #"[{"name":"x"}]"#]

    static let keys: [String] = [
        "__proto__", "constructor", "", #"\u0000"#, #"\ud800"#, "ü", String(repeating: "k", count: 10_000), "$where", "id", "teamID", "team", "role",
    ]

    /// Header values curl can send (no CR, LF or NUL).
    static let headerValues: [String] = [
        "", String(repeating: "a", count: 8_000), "-1", "9223372036854775808", "-9223372036854775809", "1e300", "ü", "💥", "%00", "..", "null",
        "nonexistent", "default", "../default", "x y z", "\t", "Bearer", "=?utf-8?b?AA==?=", "!!!not-base64!!!",
    ]

    static let authorizations: [String] = [
        "Bearer", "Bearer ", "Bearer " + String(repeating: "a", count: 8_000), "Bearer cxt_", "Bearer cxt_%00", "Session ü", "Session ", "Basic Zm9vOmJhcg==",
        "Bearer ../../etc/passwd", "Negotiate", "Bearer 💥", "bearer cxt_nope", "Session cxs_" + String(repeating: "0", count: 64), "Bearer a b c",
    ]

    static let contentTypes: [String] = [
        "text/plain", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "ü/ü",
    ]
}

/// SplitMix64: the same sequence for the same seed everywhere, so a failure replays.
struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < probability }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// A lower-case UUID made of generated bytes.
    mutating func uuid() -> String {
        let a = next()
        let b = next()
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return [String(c[0..<8]), String(c[8..<12]), String(c[12..<16]), String(c[16..<20]), String(c[20..<32])].joined(separator: "-")
    }
}
