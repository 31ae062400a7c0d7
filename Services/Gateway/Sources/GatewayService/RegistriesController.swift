import AsyncHTTPClient
import CoxswainCore
import CoxswainRegistry
import CoxswainStore
import Foundation
import Hummingbird
import Logging

/// Teams' image registries: add, list, show, update, remove (admins change, everyone reads), check
/// the stored credentials and browse repositories, tags and a tag's details. Passwords go into
/// the store sealed and never come back out through the API, the audit log or a log line.
struct RegistriesController: Sendable {
    let registries: RegistryRepository
    /// For check and browse (the registry's own timeouts bound each call).
    let httpClient: HTTPClient
    let body: RequestBody
    let recorder: ActionRecorder
    let logger: Logger

    /// `POST /v1/registries`.
    func add(_ call: Call) async throws -> Response {
        let request = try await body.decode(RegistryRequest.self, from: call.request)
        let draft: RegistryDraft
        switch RegistryDraft.adding(request) {
        case .success(let checked): draft = checked
        case .failure(let problem): throw HTTPResponseError(.invalidRegistry, "\(problem.field): \(problem.message)")
        }
        let info: RegistryInfo
        do {
            info = try await registries.add(team: call.principal.teamID, draft, password: request.password)
        } catch let error as AccessError {
            throw HTTPResponseError.conflict(error)
        }
        await recorder.record(call, action: "registry.add", target: "registry:\(info.name)", details: Self.auditDetails(info))
        return APIResponse.json(info, status: .created)
    }

    /// `GET /v1/registries`.
    func list(_ call: Call) async throws -> Response {
        APIResponse.json(try await registries.list(team: call.principal.teamID))
    }

    /// `GET /v1/registries/{name}`.
    func show(_ call: Call) async throws -> Response {
        APIResponse.json(try await find(call))
    }

    /// `PUT /v1/registries/{name}`: absent fields stay as they are.
    func update(_ call: Call) async throws -> Response {
        let stored = try await find(call)
        let request = try await body.decode(RegistryRequest.self, from: call.request)
        let draft: RegistryDraft
        switch RegistryDraft.updating(stored, with: request) {
        case .success(let checked): draft = checked
        case .failure(let problem): throw HTTPResponseError(.invalidRegistry, "\(problem.field): \(problem.message)")
        }
        let updated: RegistryInfo?
        do {
            updated = try await registries.update(
                team: call.principal.teamID, name: stored.name, draft, password: request.password, clear: request.clearCredentials == true)
        } catch let error as AccessError {
            throw HTTPResponseError.conflict(error)
        }
        guard let updated else { throw HTTPResponseError.unknownRegistry }
        var details = Self.auditDetails(updated)
        if request.password != nil || request.clearCredentials == true { details["credentials"] = "changed" }
        await recorder.record(call, action: "registry.update", target: "registry:\(stored.name)", details: details)
        return APIResponse.json(updated)
    }

    /// `DELETE /v1/registries/{name}`.
    func remove(_ call: Call) async throws -> Response {
        let name = try Self.name(call)
        guard try await registries.remove(team: call.principal.teamID, name: name) else { throw HTTPResponseError.unknownRegistry }
        await recorder.record(call, action: "registry.remove", target: "registry:\(name)")
        return APIResponse.json(["status": "removed"])
    }

    /// `POST /v1/registries/{name}/check`: the registry's answer to the stored credentials (200
    /// either way; `ok` says which, the message says why).
    func check(_ call: Call) async throws -> Response {
        let registry = try await withLogin(call)
        let result: RegistryCheckResult
        if !registry.info.kind.isChecked {
            result = RegistryCheckResult(
                ok: true,
                message: registry.info.isLocal ? "local registry: images are already on the nodes, nothing to check" : "unchecked registry: not checked")
        } else {
            result = await client(for: registry).check()
        }
        await recorder.record(
            call.principal, action: "registry.check", target: "registry:\(registry.info.name)", outcome: result.ok ? .success : .failed,
            requestID: call.requestID, details: ["message": result.message])
        return APIResponse.json(result)
    }

    /// `GET /v1/registries/{name}/browse[?repository=R[&tag=T]][&limit=N]`: repositories, a
    /// repository's tags, or one tag's details.
    func browse(_ call: Call) async throws -> Response {
        let query = call.request.uri.queryParameters
        let limit: Int
        if let raw = query["limit"] {
            guard let n = Int(String(raw)), (1...10_000).contains(n) else { throw HTTPResponseError(.invalidLimit, "limit must be 1...10000") }
            limit = n
        } else {
            limit = 1000
        }
        let registry = try await withLogin(call)
        guard registry.info.kind.isChecked else {
            throw HTTPResponseError(.invalidRegistry, "registry '\(registry.info.name)' is unchecked: it has no catalog to browse")
        }
        let client = client(for: registry)
        do {
            switch (query["repository"].map(String.init), query["tag"].map(String.init)) {
            case (nil, nil):
                return APIResponse.json(try await client.repositories(limit: limit))
            case (let repository?, nil):
                return APIResponse.json(try await client.tags(repository: repository, limit: limit))
            case (let repository?, let tag?):
                return APIResponse.json(try await client.tagDetails(repository: repository, tag: tag))
            case (nil, .some):
                throw HTTPResponseError(.invalidArguments, "tag needs repository")
            }
        } catch let error as RegistryError {
            throw Self.refusal(error, registry: registry.info.name)
        }
    }

    /// A pull of `image` from the team's registry `name`: the full reference the node pulls (the
    /// registry's host and path in front of a relative image), and the credentials for it. A tag the
    /// registry does not have is refused here (404 naming registry, image and tag), before any node
    /// is asked; a registry the Gateway cannot reach is left to the nodes, which may reach it.
    /// What a node pulls for `image` from the team registry `name`: the full reference and the
    /// credentials. `pinning` (a deployment) adds the digest the registry has for the tag now
    /// (`host/repo:tag@sha256:…`), so that a rollback later gets exactly these bits even if the tag
    /// moved. An image already pinned is not looked up again: its tag may have moved or gone since.
    func pull(_ image: String, from name: String, call: Call, pinning: Bool = false) async throws -> (image: String, auth: RegistryAuth?) {
        guard RegistryName.isValid(name), let registry = try await registries.withLogin(team: call.principal.teamID, name: name) else {
            throw HTTPResponseError.unknownRegistry
        }
        if registry.info.isLocal {
            throw HTTPResponseError(.invalidRegistry, "registry '\(name)' is local: its images are already on the nodes; nothing to pull")
        }
        var reference: ImagePath
        switch ImagePath.resolve(image, in: registry.info) {
        case .success(let resolved): reference = resolved
        case .failure(let problem): throw HTTPResponseError(.invalidImage, problem.message)
        }
        if registry.info.kind.isChecked, let tag = reference.tag, reference.digest == nil {
            do {
                let details = try await client(for: registry).tagDetails(repository: reference.repository, tag: tag)
                if pinning, let digest = details.digest, ImagePath.isDigest(digest) { reference.digest = digest }
            } catch .notFound {
                throw HTTPResponseError(.unknownImage, "registry '\(name)' (\(reference.host)) has no image \(reference.repository):\(tag)")
            } catch .invalid(let why) {
                throw HTTPResponseError(.invalidImage, why)
            } catch {
                logger.notice(
                    "registry not reachable from the gateway; the nodes will try", metadata: ["registry": "\(name)", "error": "\(error)"])
            }
        }
        let auth = registry.username.map { RegistryAuth(username: $0, password: registry.password ?? "", serverAddress: reference.host) }
        return (reference.description, auth)
    }

    // MARK: -

    private func client(for registry: RegistryWithLogin) -> RegistryClient {
        let login = registry.username.map { RegistryLogin(username: $0, password: registry.password ?? "") }
        return RegistryClient(registry: registry.info, login: login, httpClient: httpClient, logger: logger)
    }

    private func find(_ call: Call) async throws -> RegistryInfo {
        guard let found = try await registries.find(team: call.principal.teamID, name: try Self.name(call)) else {
            throw HTTPResponseError.unknownRegistry
        }
        return found
    }

    private func withLogin(_ call: Call) async throws -> RegistryWithLogin {
        guard let found = try await registries.withLogin(team: call.principal.teamID, name: try Self.name(call)) else {
            throw HTTPResponseError.unknownRegistry
        }
        return found
    }

    static func name(_ call: Call) throws -> String {
        guard let name = call.parameter("name"), RegistryName.isValid(name) else { throw HTTPResponseError.unknownRegistry }
        return name
    }

    /// What the audit log keeps of a registry: never a credential.
    static func auditDetails(_ info: RegistryInfo) -> [String: String] {
        var details = ["kind": info.kind.rawValue]
        if let url = info.url { details["url"] = url }
        if let namespace = info.namespace { details["namespace"] = namespace }
        if let username = info.username { details["username"] = username }
        return details
    }

    /// A registry's refusal as the Gateway's answer: what it said, naming it.
    static func refusal(_ error: RegistryError, registry: String) -> HTTPResponseError {
        switch error {
        case .invalid: HTTPResponseError(.invalidImage, error.description)
        case .notFound: HTTPResponseError(.unknownImage, error.description)
        case .unsupported: HTTPResponseError(.invalidRegistry, error.description)
        case .rateLimited(let retryAfter):
            HTTPResponseError(.registryFailed, "registry '\(registry)': \(error.description)", retryAfter: retryAfter)
        default: HTTPResponseError(.registryFailed, "registry '\(registry)': \(error.description)")
        }
    }
}
