import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import Hummingbird

/// Nodes: list, add a pending node (one-time enrolment token), enrol, remove, purge the offline ones.
struct NodesController: Sendable {
    let nodes: NodeRepository
    /// Nil when the Gateway has no `amqp.management_url` (nodes can then neither enrol nor be removed).
    let enrolment: NodeEnrolment?
    let body: RequestBody
    let recorder: ActionRecorder

    /// `GET /v1/nodes`.
    func list(_ call: Call) async throws -> Response {
        APIResponse.json(try await nodes.list(team: call.principal.teamID))
    }

    /// `POST /v1/nodes/match`: the nodes a job with these targeting fields would reach (the
    /// submission's own resolver); nothing is submitted.
    func match(_ call: Call) async throws -> Response {
        let request = try await body.decode(MatchNodesRequest.self, from: call.request)
        let reached = try await TargetResolver(nodes: nodes).resolve(
            { () throws(TargetSelector.FieldError) in try request.targetSelector() }, team: call.principal.teamID)
        return APIResponse.json(MatchNodesResponse(nodes: reached.nodes, everyOnlineNode: reached.everyOnlineNode))
    }

    /// `POST /v1/nodes`: a pending node and its enrolment token.
    func add(_ call: Call) async throws -> Response {
        let add = try await body.decode(AddNodeRequest.self, from: call.request)
        guard let enrolment else { throw HTTPResponseError.enrolmentUnavailable("node enrolment") }
        let name: NodeName
        do { name = try NodeName(validating: add.name) } catch { throw HTTPResponseError(.invalidName, error.description) }
        do {
            // expiresInSeconds was range-checked with the body (RequestRange.enrolmentLifetime), so this cannot trap.
            let ttl: Duration? = add.expiresInSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }
            let (token, expiresAt) = try await enrolment.add(team: call.principal.teamID, name: name, labels: add.labels ?? [:], ttl: ttl)
            await recorder.record(call, action: "node.add", target: "node:\(name)")
            return APIResponse.json(
                AddNodeResponse(
                    node: name.rawValue, enrolmentToken: token, expiresAt: WireCoding.formatDate(expiresAt),
                    command: "coxswain-deployer --node-name \(name) --enrol-token \(token) --gateway-url URL --state-dir /var/lib/coxswain/deployer"
                ),
                status: .created
            )
        } catch let error as AccessError {
            throw HTTPResponseError.conflict(error)
        }
    }

    /// `DELETE /v1/nodes/{name}`: the node, its broker user and its queue.
    func remove(_ call: Call) async throws -> Response {
        guard let enrolment else { throw HTTPResponseError.enrolmentUnavailable("node removal") }
        guard let name = call.parameter("name"), try await enrolment.remove(team: call.principal.teamID, name: name) else {
            throw HTTPResponseError(.unknownNode, "no such node")
        }
        await recorder.record(call, action: "node.remove", target: "node:\(name)")
        return APIResponse.json(["status": "removed"])
    }

    /// `DELETE /v1/nodes`: removes the team's offline nodes.
    func purge(_ call: Call) async throws -> Response {
        guard let enrolment else { throw HTTPResponseError.enrolmentUnavailable("node removal") }
        var removed: [String] = []
        for node in try await nodes.list(team: call.principal.teamID) where node.status == .offline {
            if try await enrolment.remove(team: call.principal.teamID, name: node.name) { removed.append(node.name) }
        }
        await recorder.record(call, action: "nodes.purge", target: "nodes", details: ["removed": removed.joined(separator: ",")])
        return APIResponse.json(["removed": removed.joined(separator: ",")])
    }

    /// `POST /v1/enrol` (public: the enrolment token is the credential).
    func enrol(_ call: PublicCall) async throws -> Response {
        let enrol = try await body.decode(EnrolRequest.self, from: call.request)
        guard let enrolment else { throw HTTPResponseError.enrolmentUnavailable("node enrolment") }
        let response: EnrolResponse?
        do {
            response = try await enrolment.enrol(enrol)
        } catch let error as CryptoError {
            throw HTTPResponseError(.invalidKey, "public keys must be base64 of 32 bytes: \(error)")
        }
        guard let response else {
            await recorder.record(nil, action: "node.enrol", target: "node:\(enrol.node)", outcome: .denied, requestID: call.requestID)
            throw HTTPResponseError(.invalidEnrolment, "the enrolment token is unknown, already used, expired, or not for this node name")
        }
        await recorder.record(
            nil, action: "node.enrol", target: "node:\(enrol.node)", outcome: .success, requestID: call.requestID, details: ["machine_id": enrol.machineID],
            team: TeamID(response.teamID)
        )
        return APIResponse.json(response)
    }
}
