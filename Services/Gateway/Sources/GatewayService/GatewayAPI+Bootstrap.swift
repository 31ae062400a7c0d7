import CoxswainAMQP
import CoxswainCatalog
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Bootstrap runs over SSH (recorded here, executed by the Bootstrapper), SSH credentials and
/// known host keys.
extension GatewayAPI {
    /// The largest bootstrap request (a plan for thousands of hosts).
    static let maxBootstrapRequestBytes = 16 << 20

    func submitBootstrap(_ call: Call) async throws -> Response {
        let request: BootstrapRunRequest
        switch try await body(BootstrapRunRequest.self, from: call.request, limit: Self.maxBootstrapRequestBytes) {
        case .decoded(let r): request = r
        case .rejected(let response): return response
        }
        let principal = call.principal
        let plan = request.plan
        guard !plan.hosts.isEmpty else { return Self.error(.badRequest, "empty_plan", "the plan has no host to bootstrap") }
        let threads = request.threads ?? 10
        guard (1...256).contains(threads) else { return Self.error(.badRequest, "invalid_threads", "threads must be 1...256") }
        for host in plan.hosts {
            guard (1...65_535).contains(host.port), !host.host.isEmpty, !host.username.isEmpty else {
                return Self.error(.badRequest, "invalid_host", "host \(host.name): needs a host, a username and a port in 1...65535")
            }
            for step in host.steps {
                switch step.action {
                case .upload(.path(let path), _, _):
                    return Self.error(.badRequest, "missing_artifact", "\(step.origin): \(path) was not uploaded; the coxswain CLI uploads ADD sources first")
                case .upload(.artifact(let digest, _), _, _):
                    guard ArtifactRef.isDigest(digest), try await artifacts.info(team: principal.teamID, digest: digest) != nil else {
                        return Self.error(.badRequest, "unknown_artifact", "\(step.origin): artifact \(digest) was not uploaded to team \(principal.teamName)")
                    }
                default:
                    break
                }
            }
        }
        for name in Set(plan.hosts.compactMap(\.credential) + [request.credential].compactMap { $0 }) {
            guard try await bootstrap.sealedCredential(team: principal.teamID, name: name) != nil else {
                return Self.error(.notFound, "unknown_credential", "no SSH credential '\(name)' in team \(principal.teamName) (coxswain bootstrap credential add)")
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
            hosts: plan.hosts.map { NewBootstrapHost(name: $0.name, host: $0.host, port: $0.port, username: $0.username, role: $0.role.rawValue, steps: $0.steps.map(\.label)) },
            threads: threads, acceptNewHostKeys: request.acceptNewHostKeys ?? false, credential: request.credential, sealedKey: sealedKey,
            submittedBy: principal.actor
        )
        do {
            try await withTimeout(configuration.publishTimeout, "broker confirm") {
                try await publisher.publish([
                    try OutgoingMessage(
                        BootstrapRequested(runID: id), exchange: Topology.commands, routingKey: Topology.RoutingKey.bootstrapRequests, correlationID: "\(id)"
                    )
                ])
            }
        } catch {
            logger.error("bootstrap request not handed to the broker; withdrawn", metadata: ["bootstrap.id": "\(id)", "error": "\(error)"])
            try? await bootstrap.delete(id)
            return Self.error(.serviceUnavailable, "broker_unavailable", "the message broker did not accept the run; nothing was submitted")
        }
        await record(
            principal, action: "bootstrap.submit", target: "bootstrap:\(id.uuidString.lowercased())", outcome: .success, requestID: call.requestID,
            details: ["hosts": plan.hosts.map { "\($0.name)=\($0.username)@\($0.host):\($0.port)" }.joined(separator: ","), "key_file": request.privateKey == nil ? "no" : "yes"]
        )
        return Self.json(BootstrapRunAccepted(runID: id.uuidString.lowercased()), status: .accepted)
    }

    func listBootstrap(_ call: Call) async throws -> Response {
        let limit = call.request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 50
        guard (1...10_000).contains(limit) else { return Self.error(.badRequest, "invalid_limit", "limit must be 1...10000") }
        return Self.json(try await bootstrap.list(team: call.principal.teamID, limit: limit))
    }

    func bootstrapRunID(_ call: Call) async throws -> UUID? {
        guard let raw = call.parameter("id") else { return nil }
        if raw == "last" { return try await bootstrap.list(team: call.principal.teamID, limit: 1).first?.id }
        return UUID(uuidString: raw)
    }

    func bootstrapDetail(_ call: Call) async throws -> Response {
        guard let id = try await bootstrapRunID(call), let detail = try await bootstrap.detail(id: id, team: call.principal.teamID) else {
            return Self.error(.notFound, "unknown_run", "no such bootstrap run")
        }
        return Self.json(detail)
    }

    /// A file a GET brought back: `?name=LOCAL_NAME[&host=NAME]`.
    func bootstrapFile(_ call: Call) async throws -> Response {
        guard let id = try await bootstrapRunID(call), let detail = try await bootstrap.detail(id: id, team: call.principal.teamID) else {
            return Self.error(.notFound, "unknown_run", "no such bootstrap run")
        }
        let name = call.request.uri.queryParameters["name"].map(String.init) ?? ""
        let host = call.request.uri.queryParameters["host"].map(String.init)
        let matches = detail.files.filter { ($0.localName == name || $0.remotePath == name) && (host == nil || $0.host == host) }
        guard let file = matches.first else {
            return Self.error(.notFound, "unknown_file", "run \(id.uuidString.lowercased()) fetched no '\(name)'\(host.map { " from \($0)" } ?? ""); it has: \(detail.files.map { "\($0.host):\($0.localName)" }.joined(separator: ", "))")
        }
        guard matches.count == 1 else {
            return Self.error(.conflict, "ambiguous_file", "several hosts sent '\(name)': \(matches.map(\.host).joined(separator: ", ")); add host=NAME")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.contentLength] = String(file.size)
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: artifacts.content(team: call.principal.teamID, digest: file.digest)))
    }

    func bootstrapEvents(_ call: Call) async throws -> Response {
        let team = call.principal.teamID
        guard let id = try await bootstrapRunID(call), try await bootstrap.detail(id: id, team: team) != nil else {
            return Self.error(.notFound, "unknown_run", "no such bootstrap run")
        }
        let bootstrap = self.bootstrap
        return eventStream(
            key: JobID(id), banner: "bootstrap run \(id)", lastEventID: call.request.headers[HTTPField.Name("Last-Event-ID")!],
            summary: { try await bootstrap.summary(id: id, team: team).map { ($0.isFinal, try WireCoding.encode($0)) } },
            render: { item in
                if case .bootstrap(let event, let raw) = item { return (Self.sse(.bootstrap, raw), event.kind == .runFinished) }
                return (nil, false)
            }
        )
    }

    func addCredential(_ call: Call) async throws -> Response {
        let request: SSHCredentialRequest
        switch try await body(SSHCredentialRequest.self, from: call.request) {
        case .decoded(let r): request = r
        case .rejected(let response): return response
        }
        guard !request.name.isEmpty, request.name.count <= 64, request.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            return Self.error(.badRequest, "invalid_name", "a credential name is 1-64 letters, digits, '-', '_' or '.'")
        }
        guard request.privateKey.contains("PRIVATE KEY-----") else {
            return Self.error(.badRequest, "invalid_key", "privateKey must be a PEM or OpenSSH private key")
        }
        let team = call.principal.teamID
        let sealed = masterKey.seal(
            try WireCoding.encode(SSHKeyMaterial(privateKey: request.privateKey, passphrase: request.passphrase)),
            associatedData: Array("ssh-credential:\(team):\(request.name)".utf8)
        )
        try await bootstrap.storeCredential(team: team, name: request.name, sealed: sealed, createdBy: call.principal.actor)
        await record(call.principal, action: "ssh_credential.add", target: "ssh_credential:\(request.name)", outcome: .success, requestID: call.requestID)
        return Self.json(["name": request.name], status: .created)
    }

    func removeCredential(_ call: Call) async throws -> Response {
        guard let name = call.parameter("name"), try await bootstrap.removeCredential(team: call.principal.teamID, name: name) else {
            return Self.error(.notFound, "unknown_credential", "no such SSH credential")
        }
        await record(call.principal, action: "ssh_credential.remove", target: "ssh_credential:\(name)", outcome: .success, requestID: call.requestID)
        return Self.json(["status": "removed"])
    }

    /// `DELETE /v1/known-hosts/HOST?port=22`: forget a host's keys (after a legitimate re-install).
    func forgetKnownHost(_ call: Call) async throws -> Response {
        guard let host = call.parameter("host") else { return Self.error(.badRequest, "invalid_host", "name a host") }
        let port = call.request.uri.queryParameters["port"].flatMap { Int(String($0)) } ?? 22
        let removed = try await bootstrap.forgetHost(team: call.principal.teamID, host: host, port: port)
        guard removed > 0 else { return Self.error(.notFound, "unknown_host", "no known key for \(host):\(port)") }
        await record(call.principal, action: "known_host.forget", target: "host:\(host):\(port)", outcome: .success, requestID: call.requestID)
        return Self.json(["removed": String(removed)])
    }
}
