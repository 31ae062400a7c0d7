import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import Hummingbird

/// Node enrolment and removal.
extension GatewayAPI {
    func addNode(_ call: Call) async throws -> Response {
        let add: AddNodeRequest
        switch try await body(AddNodeRequest.self, from: call.request) {
        case .decoded(let a): add = a
        case .rejected(let r): return r
        }
        guard let enrolment else { return Self.error(.serviceUnavailable, "enrolment_unavailable", "node enrolment needs amqp.management_url on the gateway") }
        let name: NodeName
        do { name = try NodeName(validating: add.name) } catch { return Self.error(.badRequest, "invalid_name", error.description) }
        do {
            // expiresInSeconds was range-checked with the body (RequestRange.enrolmentLifetime), so this cannot trap.
            let ttl: Duration? = add.expiresInSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }
            let (token, expiresAt) = try await enrolment.add(team: call.principal.teamID, name: name, labels: add.labels ?? [:], ttl: ttl)
            await record(call.principal, action: "node.add", target: "node:\(name)", outcome: .success, requestID: call.requestID)
            return Self.json(
                AddNodeResponse(
                    node: name.rawValue, enrolmentToken: token, expiresAt: WireCoding.formatDate(expiresAt),
                    command: "coxswain-deployer --node-name \(name) --enrol-token \(token) --gateway-url URL --state-dir /var/lib/coxswain/deployer"
                ),
                status: .created
            )
        } catch let error as AccessError {
            return Self.conflict(error)
        }
    }

    func removeNode(_ call: Call) async throws -> Response {
        guard let enrolment else { return Self.error(.serviceUnavailable, "enrolment_unavailable", "node removal needs amqp.management_url on the gateway") }
        guard let name = call.parameter("name"), try await enrolment.remove(team: call.principal.teamID, name: name) else {
            return Self.error(.notFound, "unknown_node", "no such node")
        }
        await record(call.principal, action: "node.remove", target: "node:\(name)", outcome: .success, requestID: call.requestID)
        return Self.json(["status": "removed"])
    }

    func enrol(_ request: Request, requestID: String) async throws -> Response {
        let enrol: EnrolRequest
        switch try await body(EnrolRequest.self, from: request) {
        case .decoded(let e): enrol = e
        case .rejected(let r): return r
        }
        guard let enrolment else { return Self.error(.serviceUnavailable, "enrolment_unavailable", "node enrolment needs amqp.management_url on the gateway") }
        let response: EnrolResponse?
        do {
            response = try await enrolment.enrol(enrol)
        } catch let error as CryptoError {
            return Self.error(.badRequest, "invalid_key", "public keys must be base64 of 32 bytes: \(error)")
        }
        guard let response else {
            await record(nil, action: "node.enrol", target: "node:\(enrol.node)", outcome: .denied, requestID: requestID)
            return Self.error(.unauthorized, "invalid_enrolment", "the enrolment token is unknown, already used, expired, or not for this node name")
        }
        await record(nil, action: "node.enrol", target: "node:\(enrol.node)", outcome: .success, requestID: requestID, details: ["machine_id": enrol.machineID], team: TeamID(response.teamID))
        return Self.json(response)
    }
}
