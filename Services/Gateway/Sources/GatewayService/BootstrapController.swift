import CoxswainAMQP
import CoxswainCatalog
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Bootstrap runs over SSH (recorded here, executed by the Bootstrapper), SSH credentials and
/// known host keys.
struct BootstrapController: Sendable {
    /// The largest bootstrap request (a plan for thousands of hosts).
    static let maxRequestBytes = 16 << 20

    let bootstrap: BootstrapRepository
    /// Uploaded files a plan names; files a run brought back.
    let artifacts: ArtifactRepository
    /// Seals SSH keys at rest.
    let masterKey: SecretBox
    let publisher: AMQPPublisher
    /// How long a submission waits for the broker's confirm (`gateway.publish_timeout`).
    let publishTimeout: Duration
    let body: RequestBody
    let recorder: ActionRecorder
    let streams: EventStreamResponder
    let logger: Logger

    // MARK: Runs

    /// `POST /v1/bootstrap` (admins): records a run and asks the Bootstrapper to execute it.
    func submit(_ call: Call) async throws -> Response {
        let request = try await body.decode(BootstrapRunRequest.self, from: call.request, limit: Self.maxRequestBytes)
        let principal = call.principal
        let plan = request.plan
        guard !plan.hosts.isEmpty else { throw HTTPResponseError(.emptyPlan, "the plan has no host to bootstrap") }
        let threads = request.threads ?? 10
        guard (1...256).contains(threads) else { throw HTTPResponseError(.invalidThreads, "threads must be 1...256") }
        for host in plan.hosts {
            guard (1...65_535).contains(host.port), !host.host.isEmpty, !host.username.isEmpty else {
                throw HTTPResponseError(.invalidHost, "host \(host.name): needs a host, a username and a port in 1...65535")
            }
            for step in host.steps {
                switch step.action {
                case .upload(.path(let path), _, _):
                    throw HTTPResponseError(.missingArtifact, "\(step.origin): \(path) was not uploaded; the coxswain CLI uploads ADD sources first")
                case .upload(.artifact(let digest, _), _, _):
                    guard ArtifactRef.isDigest(digest), try await artifacts.info(team: principal.teamID, digest: digest) != nil else {
                        throw HTTPResponseError(.artifactNotUploaded, "\(step.origin): artifact \(digest) was not uploaded to team \(principal.teamName)")
                    }
                default:
                    break
                }
            }
        }
        for name in Set(plan.hosts.compactMap(\.credential) + [request.credential].compactMap { $0 }) {
            guard try await bootstrap.sealedCredential(team: principal.teamID, name: name) != nil else {
                throw HTTPResponseError(.unknownCredential, "no SSH credential '\(name)' in team \(principal.teamName) (coxswain bootstrap credential add)")
            }
        }
        let id = UUID()
        var sealedKey: [UInt8]?
        if let key = request.privateKey {
            // Sealed while the run lasts; the Bootstrapper erases it when the run ends. Never logged.
            let secret = SSHKeyMaterial(privateKey: key, passphrase: request.passphrase)
            sealedKey = masterKey.seal(try WireCoding.encode(secret), associatedData: Array("bootstrap-key:\(id)".utf8))
        }
        let planJSON = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        try await bootstrap.create(
            id: id, team: principal.teamID, planJSON: planJSON,
            hosts: plan.hosts.map {
                NewBootstrapHost(name: $0.name, host: $0.host, port: $0.port, username: $0.username, role: $0.role.rawValue, steps: $0.steps.map(\.label))
            },
            threads: threads, acceptNewHostKeys: request.acceptNewHostKeys ?? false, credential: request.credential, sealedKey: sealedKey,
            submittedBy: principal.actor
        )
        do {
            try await withTimeout(publishTimeout, "broker confirm") {
                try await publisher.publish([
                    try OutgoingMessage(
                        BootstrapRequested(runID: id), exchange: Topology.commands, routingKey: Topology.RoutingKey.bootstrapRequests, correlationID: "\(id)"
                    )
                ])
            }
        } catch {
            logger.error("bootstrap request not handed to the broker; withdrawn", metadata: ["bootstrap.id": "\(id)", "error": "\(error)"])
            try? await bootstrap.delete(id)
            throw HTTPResponseError.brokerUnavailable("run")
        }
        await recorder.record(
            call, action: "bootstrap.submit", target: "bootstrap:\(id.uuidString.lowercased())",
            details: [
                "hosts": plan.hosts.map { "\($0.name)=\($0.username)@\($0.host):\($0.port)" }.joined(separator: ","),
                "key_file": request.privateKey == nil ? "no" : "yes",
            ]
        )
        return APIResponse.json(BootstrapRunAccepted(runID: id.uuidString.lowercased()), status: .accepted)
    }

    /// `GET /v1/bootstrap?limit=`.
    func list(_ call: Call) async throws -> Response {
        let limit = call.request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 50
        guard (1...10_000).contains(limit) else { throw HTTPResponseError(.invalidLimit, "limit must be 1...10000") }
        return APIResponse.json(try await bootstrap.list(team: call.principal.teamID, limit: limit))
    }

    /// The run named by `:id`: an id, or `last` for the team's latest.
    func runID(_ call: Call) async throws -> UUID? {
        guard let raw = call.parameter("id") else { return nil }
        if raw == "last" { return try await bootstrap.list(team: call.principal.teamID, limit: 1).first?.id }
        return UUID(uuidString: raw)
    }

    /// `GET /v1/bootstrap/{id|last}`.
    func detail(_ call: Call) async throws -> Response {
        guard let id = try await runID(call), let detail = try await bootstrap.detail(id: id, team: call.principal.teamID) else {
            throw HTTPResponseError.unknownRun
        }
        return APIResponse.json(detail)
    }

    /// `GET /v1/bootstrap/{id}/file?name=LOCAL_NAME[&host=NAME]`: a file a GET brought back.
    func file(_ call: Call) async throws -> Response {
        guard let id = try await runID(call), let detail = try await bootstrap.detail(id: id, team: call.principal.teamID) else {
            throw HTTPResponseError.unknownRun
        }
        let name = call.request.uri.queryParameters["name"].map(String.init) ?? ""
        let host = call.request.uri.queryParameters["host"].map(String.init)
        let matches = detail.files.filter { ($0.localName == name || $0.remotePath == name) && (host == nil || $0.host == host) }
        guard let file = matches.first else {
            throw HTTPResponseError(
                .unknownFile,
                "run \(id.uuidString.lowercased()) fetched no '\(name)'\(host.map { " from \($0)" } ?? ""); it has: \(detail.files.map { "\($0.host):\($0.localName)" }.joined(separator: ", "))"
            )
        }
        guard matches.count == 1 else {
            throw HTTPResponseError(.ambiguousFile, "several hosts sent '\(name)': \(matches.map(\.host).joined(separator: ", ")); add host=NAME")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.contentLength] = String(file.size)
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: artifacts.content(team: call.principal.teamID, digest: file.digest)))
    }

    /// `GET /v1/bootstrap/{id}/events`: the run's progress as server-sent events.
    func events(_ call: Call) async throws -> Response {
        let team = call.principal.teamID
        guard let id = try await runID(call), try await bootstrap.detail(id: id, team: team) != nil else {
            throw HTTPResponseError.unknownRun
        }
        let bootstrap = self.bootstrap
        return streams.stream(
            key: JobID(id), banner: "bootstrap run \(id)", lastEventID: call.lastEventID,
            summary: { try await bootstrap.summary(id: id, team: team).map { ($0.isFinal, try WireCoding.encode($0)) } },
            render: { item in
                if case .bootstrap(let event, let raw) = item { return (APIResponse.sse(.bootstrap, raw), event.kind == .runFinished) }
                return (nil, false)
            }
        )
    }

    // MARK: SSH credentials and known hosts

    /// `POST /v1/ssh-credentials` (admins): a named, sealed SSH key.
    func addCredential(_ call: Call) async throws -> Response {
        let request = try await body.decode(SSHCredentialRequest.self, from: call.request)
        guard !request.name.isEmpty, request.name.count <= 64, request.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw HTTPResponseError(.invalidName, "a credential name is 1-64 letters, digits, '-', '_' or '.'")
        }
        guard request.privateKey.contains("PRIVATE KEY-----") else {
            throw HTTPResponseError(.invalidKey, "privateKey must be a PEM or OpenSSH private key")
        }
        let team = call.principal.teamID
        let sealed = masterKey.seal(
            try WireCoding.encode(SSHKeyMaterial(privateKey: request.privateKey, passphrase: request.passphrase)),
            associatedData: Array("ssh-credential:\(team):\(request.name)".utf8)
        )
        try await bootstrap.storeCredential(team: team, name: request.name, sealed: sealed, createdBy: call.principal.actor)
        await recorder.record(call, action: "ssh_credential.add", target: "ssh_credential:\(request.name)")
        return APIResponse.json(["name": request.name], status: .created)
    }

    /// `GET /v1/ssh-credentials`: names only.
    func listCredentials(_ call: Call) async throws -> Response {
        APIResponse.json(try await bootstrap.credentials(team: call.principal.teamID))
    }

    /// `DELETE /v1/ssh-credentials/{name}`.
    func removeCredential(_ call: Call) async throws -> Response {
        guard let name = call.parameter("name"), try await bootstrap.removeCredential(team: call.principal.teamID, name: name) else {
            throw HTTPResponseError(.unknownCredential, "no such SSH credential")
        }
        await recorder.record(call, action: "ssh_credential.remove", target: "ssh_credential:\(name)")
        return APIResponse.json(["status": "removed"])
    }

    /// `GET /v1/known-hosts`.
    func listKnownHosts(_ call: Call) async throws -> Response {
        APIResponse.json(try await bootstrap.knownHosts(team: call.principal.teamID))
    }

    /// `DELETE /v1/known-hosts/HOST?port=22`: forget a host's keys (after a legitimate re-install).
    func forgetKnownHost(_ call: Call) async throws -> Response {
        guard let host = call.parameter("host") else { throw HTTPResponseError(.invalidHost, "name a host") }
        let port = call.request.uri.queryParameters["port"].flatMap { Int(String($0)) } ?? 22
        let removed = try await bootstrap.forgetHost(team: call.principal.teamID, host: host, port: port)
        guard removed > 0 else { throw HTTPResponseError(.unknownHost, "no known key for \(host):\(port)") }
        await recorder.record(call, action: "known_host.forget", target: "host:\(host):\(port)")
        return APIResponse.json(["removed": String(removed)])
    }
}
