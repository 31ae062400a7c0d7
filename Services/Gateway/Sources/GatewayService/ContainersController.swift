import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainRegistry
import CoxswainStore
import Foundation
import Hummingbird

/// Container operations on nodes' engines (`POST /v1/containers/{read,control,admin}`): each one a
/// `CONTAINER` job through the usual machinery (recorded, sealed, signed, audited), on the route
/// whose least role is the action's — viewers read, members start/stop/restart/pull, admins remove
/// and prune — so the router's one role check covers it.
struct ContainersController: Sendable {
    let nodes: NodeRepository
    let registries: RegistriesController
    let masterKey: SecretBox
    let enqueuer: JobEnqueuer
    let body: RequestBody

    /// Default and longest time an operation may take on a node.
    static let defaultTimeoutSeconds: Double = 60
    static let maximumTimeoutSeconds: Double = 86_400

    func perform(_ call: Call, route: APIRoute) async throws -> Response {
        let request = try await body.decode(ContainerOperationRequest.self, from: call.request)
        var operation = request.operation
        let expected = APIRoute.containers(for: operation.action)
        guard expected == route else {
            throw HTTPResponseError(
                .invalidArguments, "\(operation.action.rawValue) needs the \(operation.action.leastRole.rawValue) role: send it to \(expected.path)")
        }
        if let problem = operation.problem { throw HTTPResponseError(.invalidArguments, problem) }
        let timeout = request.timeoutSeconds ?? Self.defaultTimeoutSeconds
        guard timeout > 0, timeout <= Self.maximumTimeoutSeconds else {
            throw HTTPResponseError(.invalidTimeout, "timeoutSeconds must be in (0, \(Int(Self.maximumTimeoutSeconds))]")
        }
        let targets = request.targets ?? []
        if let bad = targets.first(where: { !NodeName.isValid($0) }) { throw HTTPResponseError(.invalidTarget, NodeNameError(name: bad).description) }
        if !targets.isEmpty {
            let known = try await nodes.existing(targets, team: call.principal.teamID)
            let unknown = targets.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw HTTPResponseError(
                    .unknownTarget, "unknown target\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", ")); nothing was submitted")
            }
        }
        // The team label of a container comes from the caller's team, never from the request.
        operation.team = operation.action == .run ? call.principal.teamName : nil
        var secrets: [String: String] = [:]
        if let name = request.registry {
            guard operation.action == .imagePull || operation.action == .run else {
                throw HTTPResponseError(.invalidArguments, "registry is for image pull and container run only")
            }
            let pull = try await registries.pull(operation.image ?? "", from: name, call: call)
            operation.image = pull.image
            if let auth = pull.auth { secrets[RegistryAuth.environmentKey] = String(decoding: try WireCoding.encode(auth), as: UTF8.self) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let arguments = String(decoding: try encoder.encode(operation), as: UTF8.self)
        var job = JobEnqueuer.NewJob(
            verb: .container, arguments: arguments, targets: targets, timeoutSeconds: timeout, name: "container \(operation.action.rawValue)")
        if !secrets.isEmpty {
            job.sealedSecrets = JobEnqueuer.sealing(secrets, with: masterKey)
            job.secretNames = secrets.keys.sorted()
        }
        let id = try await enqueuer.enqueue(job, principal: call.principal)
        return APIResponse.json(SubmitJobResponse(jobID: id, status: .submitted), status: .accepted)
    }
}
