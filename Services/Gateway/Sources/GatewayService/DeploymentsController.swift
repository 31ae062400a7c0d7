import CoxswainCore
import CoxswainCrypto
import CoxswainDelivery
import CoxswainStore
import Foundation
import Hummingbird

/// Deployments: a version of a product on a node under a prefix. Members create, edit, deploy,
/// copy and delete them; everyone in the team reads. A deploy is one numbered try carried to the
/// node by a `DEPLOY` job (recorded, sealed, signed and audited like every job); the Scheduler
/// settles the deployment's status when that job ends (`DeliveryRepository.settleFinishedTries`).
struct DeploymentsController: Sendable {
    let delivery: DeliveryRepository
    let nodes: NodeRepository
    let registries: RegistriesController
    let registryRows: RegistryRepository
    let masterKey: SecretBox
    let enqueuer: JobEnqueuer
    let body: RequestBody
    let recorder: ActionRecorder

    /// Default and longest time a rollout may take on its node.
    static let defaultTimeoutSeconds: Double = 600
    static let maximumTimeoutSeconds: Double = 86_400

    /// `POST /v1/deployments`: a preparing deployment.
    func create(_ call: Call) async throws -> Response {
        let request = try await body.decode(DeploymentRequest.self, from: call.request)
        let team = call.principal.teamID
        guard let productName = request.product else { throw HTTPResponseError(.invalidArguments, "product: which product to deploy") }
        guard let product = try await delivery.product(team: team, name: productName) else {
            throw HTTPResponseError(.notFound, "product: the team has no product named '\(productName)'")
        }
        let versions = try await delivery.versions(product: product.id)
        let version: VersionRow
        if let name = request.version {
            guard let found = versions.first(where: { $0.name == name }) else {
                throw HTTPResponseError(.notFound, "version: product \(product.name) has no version named '\(name)'")
            }
            version = found
        } else {
            guard let found = versions.first(where: \.isDefault) else { throw HTTPResponseError(.notFound, "version: product \(product.name) has no version") }
            version = found
        }
        guard let node = request.node else { throw HTTPResponseError(.invalidTarget, "node: where to deploy") }
        guard let nodeName = try? NodeName(validating: node) else { throw HTTPResponseError(.invalidTarget, "node: \(NodeNameError(name: node).description)") }
        guard try await nodes.existing([node], team: team).contains(node) else {
            throw HTTPResponseError(.unknownTarget, "node: the team has no node named '\(node)'; nothing was created")
        }
        guard let rawPrefix = request.prefix else { throw HTTPResponseError(.invalidArguments, "prefix: the containers' name prefix") }
        guard let prefix = DeploymentPrefix(rawPrefix) else {
            throw HTTPResponseError(
                .invalidName, "prefix: '\(rawPrefix)' is not a DNS label (lowercase letters, digits and '-', 1 to 63, not starting or ending with '-')")
        }
        try Self.check(config: request.config, instances: request.instances, secrets: request.secrets, note: request.note, version: version)
        let candidate = DeploymentSummary(
            id: DeploymentID(UUID().uuidString.lowercased()), productID: ProductID(product.id.uuidString.lowercased()),
            versionID: VersionID(version.id.uuidString.lowercased()), target: DeploymentTarget(node: nodeName, prefix: prefix), status: .preparing,
            isProtected: request.protected ?? false)
        let existing = try await delivery.deploymentSummaries(team: team, node: node, prefix: prefix.rawValue)
        if let refusal = VersionRules.uniquenessRefusal(candidate, versionKind: version.kind, existing: existing) {
            throw HTTPResponseError(.conflict, refusal.description)
        }
        let id = try await delivery.createDeployment(
            team: team, product: product.id, version: version.id, node: node, prefix: prefix.rawValue, note: request.note,
            protected: request.protected ?? false, config: request.config, instances: request.instances, secrets: request.secrets ?? [:])
        await recorder.record(
            call, action: "deployment.create", target: "deployment:\(id.uuidString.lowercased())",
            details: ["product": product.name, "version": version.name, "node": node, "prefix": prefix.rawValue])
        return APIResponse.json(try await found(id, call: call).info, status: .created)
    }

    /// `GET /v1/deployments?product=&version=&node=`.
    func list(_ call: Call) async throws -> Response {
        let q = call.request.uri.queryParameters
        let team = call.principal.teamID
        var productID: UUID?
        var versionID: UUID?
        if let name = q["product"].map(String.init) {
            guard let product = try await delivery.product(team: team, name: name) else { return APIResponse.json([DeploymentInfo]()) }
            productID = product.id
            if let versionName = q["version"].map(String.init) {
                guard let version = try await delivery.version(product: product.id, name: versionName) else { return APIResponse.json([DeploymentInfo]()) }
                versionID = version.id
            }
        } else if q["version"] != nil {
            throw HTTPResponseError(.invalidArguments, "version: filter by product too (product=NAME&version=NAME)")
        }
        let node = q["node"].map(String.init)
        return APIResponse.json(try await delivery.deployments(team: team, product: productID, node: node, version: versionID).map(\.info))
    }

    /// `GET /v1/deployments/{id}[?effective=true]`.
    func show(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        var info = row.info
        let observed = try await delivery.observed(deployment: row.id)
        info.observed = observed
        if row.status == .successful, let expected = try await delivery.lastSuccessfulRollout(of: row.id) {
            info.drift = Self.drift(expected: expected.instances.map(\.name), prefix: row.prefix, observed: observed)
        }
        if call.request.uri.queryParameters["effective"].map(String.init) == "true" {
            guard let version = try await delivery.version(id: row.versionID) else { throw HTTPResponseError(.notFound, "the deployment's version is gone") }
            var effective: [String: EffectiveConfig] = [:]
            for image in version.images {
                var merged = ConfigLayering.merge(image: image.config, deployment: row.config, instance: row.instances?[image.name])
                merged = VersionTemplating.render(merged, version: version.name)
                effective[image.name] = merged
            }
            info.effective = effective
        }
        return APIResponse.json(info)
    }

    /// `PUT /v1/deployments/{id}`: note, protection, the deployment and instance layers, secrets.
    func update(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        let request = try await body.decode(DeploymentRequest.self, from: call.request)
        if request.product.map({ $0 != row.product }) == true || request.version.map({ $0 != row.version }) == true
            || request.node.map({ $0 != row.node }) == true || request.prefix.map({ $0 != row.prefix }) == true
        {
            throw HTTPResponseError(.invalidArguments, "product, version, node and prefix cannot change: copy the deployment instead")
        }
        guard row.status.allows(.edit, versionKind: row.versionKind) else {
            throw HTTPResponseError(.conflict, DeliveryRefusal.notAllowed(.edit, status: row.status, versionKind: row.versionKind).description)
        }
        guard let version = try await delivery.version(id: row.versionID) else { throw HTTPResponseError(.notFound, "the deployment's version is gone") }
        try Self.check(config: request.config, instances: request.instances, secrets: request.secrets, note: request.note, version: version)
        try await delivery.updateDeployment(
            row.id, node: row.node, note: request.note, protected: request.protected, config: request.config, instances: request.instances,
            secrets: request.secrets)
        var details: [String: String] = [:]
        if request.secrets != nil { details["secrets"] = "changed" }
        if let protected = request.protected { details["protected"] = "\(protected)" }
        await recorder.record(call, action: "deployment.update", target: "deployment:\(row.id.uuidString.lowercased())", details: details)
        return APIResponse.json(try await found(row.id, call: call).info)
    }

    /// `DELETE /v1/deployments/{id}`: removes its containers from the node (a `DEPLOY` removal job)
    /// and the record; refused while a rollout is in progress.
    func remove(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        guard row.status.allows(.delete, versionKind: row.versionKind) else {
            throw HTTPResponseError(.conflict, DeliveryRefusal.notAllowed(.delete, status: row.status, versionKind: row.versionKind).description)
        }
        // The record goes first (under its row lock, refused if a deploy started meanwhile), then the
        // node removes the containers: a refused delete never touches them.
        try await refusing { try await delivery.removeDeployment(row.id) }
        var jobID: JobID?
        if row.tries > 0, try await nodes.existing([row.node], team: call.principal.teamID).contains(row.node), let prefix = DeploymentPrefix(row.prefix) {
            let removal = DeploymentRollout(
                action: .remove, deployment: DeploymentID(row.id.uuidString.lowercased()), tryNumber: row.tries, team: call.principal.teamName,
                product: row.product, version: row.version, prefix: prefix, rollback: false, instances: [])
            jobID = try await enqueuer.enqueue(
                JobEnqueuer.NewJob(
                    verb: .deploy, arguments: try Self.json(removal), targets: [row.node], timeoutSeconds: 120,
                    name: "remove deployment \(row.product) \(row.node)/\(row.prefix)"), principal: call.principal)
        }
        await recorder.record(
            call, action: "deployment.remove", target: "deployment:\(row.id.uuidString.lowercased())",
            details: ["node": row.node, "prefix": row.prefix, "containers": jobID.map { "removal job \($0)" } ?? "none deployed"])
        var answer = ["status": "removed"]
        if let jobID { answer["jobID"] = jobID.description }
        return APIResponse.json(answer)
    }

    /// `POST /v1/deployments/{id}/deploy`: the next try (a first deploy, a redeploy, or a rollback
    /// of an obsolete deployment with its frozen configuration).
    func deploy(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        let request = try await body.decode(DeployRequest.self, from: call.request)
        if case .deployToken = call.principal.credential, request.overrideProtection == true || request.instances != nil {
            throw HTTPResponseError(.forbidden, "a deploy token deploys the whole deployment and never overrides protection: ask a member")
        }
        let timeout = request.timeoutSeconds ?? Self.defaultTimeoutSeconds
        guard timeout > 0, timeout <= Self.maximumTimeoutSeconds else {
            throw HTTPResponseError(.invalidTimeout, "timeoutSeconds must be in (0, \(Int(Self.maximumTimeoutSeconds))]")
        }
        var machine = DeploymentStateMachine(status: row.status, versionKind: row.versionKind, tries: row.tries)
        let rollback: Bool
        switch machine.received(.deployRequested(tryNumber: row.tries + 1)) {
        case .dispatch(_, let isRollback): rollback = isRollback
        case .refuse(let refusal): throw HTTPResponseError(.conflict, refusal.description)
        default: throw HTTPResponseError(.conflict, "the deployment cannot be deployed now (\(row.status.rawValue))")
        }
        guard let summary = row.summary else { throw HTTPResponseError(.conflict, "the deployment's prefix is not valid; copy it under a valid prefix") }
        let onTarget = try await delivery.deploymentSummaries(team: call.principal.teamID, node: row.node, prefix: row.prefix)
        if let refusal = VersionRules.protectionRefusal(summary, existing: onTarget, overridingProtection: request.overrideProtection == true) {
            throw HTTPResponseError(.conflict, "\(refusal.description) (deploy with overrideProtection to replace it; that is audited)")
        }
        guard try await nodes.existing([row.node], team: call.principal.teamID).contains(row.node) else {
            throw HTTPResponseError(.unknownTarget, "node: the team has no node named '\(row.node)' any more")
        }
        // What goes to the node: the frozen configuration for a rollback, the layers merged now otherwise.
        var frozen: FrozenRollout
        if rollback {
            guard let last = try await delivery.lastSuccessfulRollout(of: row.id) else {
                throw HTTPResponseError(.conflict, "the deployment has no successful try whose configuration could be rolled back to")
            }
            frozen = last
        } else {
            frozen = try await layered(row)
        }
        // A partial deploy sends only the chosen instances, but freezes the whole deployment: the
        // chosen ones as layered now, the others as they last succeeded (what a rollback restores).
        var sent = frozen
        if let only = request.instances {
            let known = Set(frozen.instances.map(\.name))
            if let unknown = only.first(where: { !known.contains($0) }) {
                throw HTTPResponseError(
                    .invalidArguments, "instances: the deployment has no instance '\(unknown)' (it has \(known.sorted().joined(separator: ", ")))")
            }
            let keep = Set(only)
            let kept = zip(frozen.instances, frozen.registries).filter { keep.contains($0.0.name) }
            sent = FrozenRollout(instances: kept.map(\.0), registries: kept.map(\.1))
            if let last = try await delivery.lastSuccessfulRollout(of: row.id) {
                let previous = Dictionary(zip(last.instances, last.registries).map { ($0.0.name, $0) }, uniquingKeysWith: { a, _ in a })
                let merged = zip(frozen.instances, frozen.registries).map { keep.contains($0.0.name) ? $0 : previous[$0.0.name] ?? $0 }
                frozen = FrozenRollout(instances: merged.map(\.0), registries: merged.map(\.1))
            }
        }
        guard !sent.instances.isEmpty else { throw HTTPResponseError(.conflict, "the version has no images: add one first") }
        if let clash = Self.portClash(frozen.instances) {
            throw HTTPResponseError(.invalidArguments, "ports: \(clash); publish it on one instance only (its instance layer); nothing was deployed")
        }
        // Credentials and secret values, sealed into the job (and to the node by the Scheduler).
        var secrets: [String: String] = [:]
        var instances: [RolloutInstance] = []
        for (index, (instance, registry)) in zip(sent.instances, sent.registries).enumerated() {
            var instance = instance
            instance.registryAuthKey = nil
            if let registry {
                guard let info = try await registryRows.find(team: call.principal.teamID, name: registry) else {
                    throw HTTPResponseError(.unknownRegistry, "instance \(instance.name): the team no longer has registry '\(registry)'; nothing was deployed")
                }
                guard !info.isLocal else {
                    instances.append(instance)
                    continue
                }
                let pull = try await registries.pull(instance.image, from: registry, call: call, pinning: true)
                instance.image = pull.image
                // A rollback gets exactly these bits: the try freezes the digest the tag names now.
                if let at = pull.image.lastIndex(of: "@"), let index = frozen.instances.firstIndex(where: { $0.name == instance.name }),
                    !frozen.instances[index].image.contains("@")
                {
                    frozen.instances[index].image += pull.image[at...]
                }
                if let auth = pull.auth {
                    let key = "\(RegistryAuth.environmentKey)_\(index)"
                    secrets[key] = String(decoding: try WireCoding.encode(auth), as: UTF8.self)
                    instance.registryAuthKey = key
                }
            }
            instances.append(instance)
        }
        let values = try await refusing { try await delivery.secrets(of: row.id, node: row.node) }
        for instance in instances {
            for name in instance.config.secrets ?? [] {
                guard let value = values[name] else {
                    throw HTTPResponseError(
                        .invalidArguments,
                        "secrets: instance \(instance.name) needs secret \(name), which has no value (coxswain deployment update ID --secret \(name)=…)")
                }
                secrets[RolloutInstance.secretKey(name)] = value
            }
        }
        let tryNumber = row.tries + 1
        var rollout = DeploymentRollout(
            action: .deploy, deployment: DeploymentID(row.id.uuidString.lowercased()), tryNumber: tryNumber, team: call.principal.teamName,
            product: row.product, version: row.version, prefix: summary.target.prefix, rollback: rollback, instances: instances)
        rollout.partial = request.instances == nil ? nil : true
        let jobID = JobID()
        let note =
            "\(rollback ? "rollback" : row.tries == 0 ? "deploy" : "redeploy") requested by \(call.principal.actor)"
            + (request.instances.map { " (instances \($0.joined(separator: ", ")))" } ?? "")
            + (request.overrideProtection == true ? " overriding protection" : "")
        guard
            try await refusing({
                try await delivery.beginTry(
                    row.id, expecting: row.status, tries: row.tries, tryNumber: tryNumber, job: jobID, rollback: rollback, frozen: frozen,
                    actor: call.principal.actor, note: note)
            })
        else { throw HTTPResponseError(.conflict, "the deployment changed meanwhile (another deploy?); look at it again") }
        var job = JobEnqueuer.NewJob(
            verb: .deploy, arguments: try Self.json(rollout), targets: [row.node], timeoutSeconds: timeout,
            name: "deploy \(row.product) \(row.version) to \(row.node)/\(row.prefix)")
        job.id = jobID
        if !secrets.isEmpty {
            job.sealedSecrets = JobEnqueuer.sealing(secrets, with: masterKey)
            job.secretNames = secrets.keys.sorted()
        }
        do {
            _ = try await enqueuer.enqueue(job, principal: call.principal)
        } catch {
            try? await delivery.failTry(row.id, tryNumber: tryNumber, reason: "the deploy job could not be submitted: \(error)")
            throw error
        }
        await recorder.record(
            call, action: rollback ? "deployment.rollback" : "deployment.started", target: "deployment:\(row.id.uuidString.lowercased())",
            details: [
                "try": "\(tryNumber)", "job": jobID.description, "node": row.node, "prefix": row.prefix, "version": row.version,
                "override_protection": "\(request.overrideProtection == true)",
            ])
        return APIResponse.json(
            DeployResponse(deploymentID: DeploymentID(row.id.uuidString.lowercased()), jobID: jobID, tryNumber: tryNumber, rollback: rollback),
            status: .accepted)
    }

    /// `POST /v1/deployments/{id}/copy`: a preparing copy on another node and/or prefix.
    func copy(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        let request = try await body.decode(CopyDeploymentRequest.self, from: call.request)
        guard row.status.allows(.copy, versionKind: row.versionKind) else {
            throw HTTPResponseError(.conflict, DeliveryRefusal.notAllowed(.copy, status: row.status, versionKind: row.versionKind).description)
        }
        let node = request.node ?? row.node
        let rawPrefix = request.prefix ?? row.prefix
        guard node != row.node || rawPrefix != row.prefix else {
            throw HTTPResponseError(.invalidArguments, "node, prefix: a copy goes to another node or prefix")
        }
        guard let nodeName = try? NodeName(validating: node), try await nodes.existing([node], team: call.principal.teamID).contains(node) else {
            throw HTTPResponseError(.unknownTarget, "node: the team has no node named '\(node)'")
        }
        guard let prefix = DeploymentPrefix(rawPrefix) else { throw HTTPResponseError(.invalidName, "prefix: '\(rawPrefix)' is not a DNS label") }
        guard let version = try await delivery.version(id: row.versionID) else { throw HTTPResponseError(.notFound, "the deployment's version is gone") }
        let candidate = DeploymentSummary(
            id: DeploymentID(UUID().uuidString.lowercased()), productID: ProductID(row.productID.uuidString.lowercased()),
            versionID: VersionID(row.versionID.uuidString.lowercased()), target: DeploymentTarget(node: nodeName, prefix: prefix), status: .preparing,
            isProtected: row.protected)
        let existing = try await delivery.deploymentSummaries(team: call.principal.teamID, node: node, prefix: prefix.rawValue)
        if let refusal = VersionRules.uniquenessRefusal(candidate, versionKind: version.kind, existing: existing) {
            throw HTTPResponseError(.conflict, refusal.description)
        }
        // Secret values are sealed per node: carried only to the same node.
        let secrets = node == row.node ? try await refusing { try await delivery.secrets(of: row.id, node: row.node) } : [:]
        let warning =
            node != row.node && !row.secretNames.isEmpty
            ? "secrets \(row.secretNames.joined(separator: ", ")) were not copied: they are sealed to node \(row.node); set them for \(node) with deployment update --secret"
            : nil
        let id = try await delivery.createDeployment(
            team: call.principal.teamID, product: row.productID, version: row.versionID, node: node, prefix: prefix.rawValue, note: row.note,
            protected: row.protected, config: row.config, instances: row.instances, secrets: secrets)
        await recorder.record(
            call, action: "deployment.copy", target: "deployment:\(id.uuidString.lowercased())",
            details: ["from": row.id.uuidString.lowercased(), "node": node, "prefix": prefix.rawValue])
        return APIResponse.json(CopyDeploymentResponse(deployment: try await found(id, call: call).info, warning: warning), status: .created)
    }

    /// `GET /v1/deployments/{id}/events`.
    func events(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        return APIResponse.json(try await delivery.events(of: row.id))
    }

    // MARK: deploy tokens

    /// Longest and default lifetime of a deploy token.
    static let maximumTokenLifetime: Double = 366 * 86_400
    static let defaultTokenLifetime: Double = 30 * 86_400

    /// `POST /v1/deployments/{id}/tokens` (admins): a token that deploys this deployment only, shown once.
    func createToken(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        let request = try await body.decode(DeployTokenRequest.self, from: call.request)
        try ProductsController.checkName(request.name, field: "name")
        guard row.versionKind == .rolling else {
            throw HTTPResponseError(
                .conflict, "deploy tokens are for deployments of rolling versions (an incremental version is frozen once deployed; CI makes a new version)")
        }
        let lifetime = request.expiresInSeconds ?? Self.defaultTokenLifetime
        guard lifetime.isFinite, lifetime >= 60, lifetime <= Self.maximumTokenLifetime else {
            throw HTTPResponseError(.outOfRange, "expiresInSeconds: between 60 and \(Int(Self.maximumTokenLifetime))")
        }
        let token = Tokens.generate(prefix: DeployTokenInfo.prefix)
        var info = try await refusing {
            try await delivery.createDeployToken(
                team: call.principal.teamID, deployment: row.id, name: request.name, hash: Tokens.hash(token), createdBy: call.principal.actor,
                lifetime: lifetime)
        }
        await recorder.record(
            call, action: "deploy_token.create", target: "deployment:\(row.id.uuidString.lowercased())",
            details: ["name": request.name, "expires_at": "\(info.expiresAt)"])
        info.token = token
        return APIResponse.json(info, status: .created)
    }

    /// `GET /v1/deployments/{id}/tokens` (admins): never the tokens themselves.
    func listTokens(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        return APIResponse.json(try await delivery.deployTokens(deployment: row.id))
    }

    /// `DELETE /v1/deployments/{id}/tokens/{token}` (admins): by id or name.
    func revokeToken(_ call: Call) async throws -> Response {
        let row = try await deployment(call)
        let name = try ProductsController.parameter(call, "token")
        guard try await delivery.revokeDeployToken(deployment: row.id, name) else {
            throw HTTPResponseError(.unknownToken, "the deployment has no deploy token '\(name)'")
        }
        await recorder.record(call, action: "deploy_token.revoke", target: "deployment:\(row.id.uuidString.lowercased())", details: ["name": name])
        return APIResponse.json(["status": "revoked"])
    }

    // MARK: -

    /// The version's images with the three layers merged and `{{ version }}` rendered.
    private func layered(_ row: DeploymentRow) async throws -> FrozenRollout {
        guard let version = try await delivery.version(id: row.versionID) else { throw HTTPResponseError(.notFound, "the deployment's version is gone") }
        var instances: [RolloutInstance] = []
        var registries: [String?] = []
        for image in version.images {
            var merged = ConfigLayering.merge(image: image.config, deployment: row.config, instance: row.instances?[image.name])
            merged = VersionTemplating.render(merged, version: version.name)
            var config = merged.config
            config.name = image.name
            instances.append(RolloutInstance(name: image.name, image: "\(image.image):\(image.tag)", config: config))
            registries.append(image.registry)
        }
        return FrozenRollout(instances: instances, registries: registries)
    }

    /// Two instances publishing the same node port (after layering: a port in the deployment layer
    /// applies to every instance), which the node could never start: named, or nil.
    static func portClash(_ instances: [RolloutInstance]) -> String? {
        var owners: [String: String] = [:]
        for instance in instances {
            var published: [String] = (instance.config.ports ?? []).compactMap { port in
                port.external.map { "\(port.hostIP ?? "*"):\($0)/\(port.proto.rawValue)" }
            }
            for range in instance.config.portRanges ?? [] {
                guard let external = range.external, let width = external.width, width <= 65_536 else { continue }
                published += (external.from...external.to).map { "\(range.hostIP ?? "*"):\($0)/\(range.proto.rawValue)" }
            }
            for key in Set(published) {
                if let other = owners[key] { return "instances \(other) and \(instance.name) both publish \(key)" }
                owners[key] = instance.name
            }
        }
        return nil
    }

    /// The instances of a successful deployment that do not run as `<prefix>-<name>` on its node.
    static func drift(expected: [String], prefix: String, observed: [ObservedContainer]) -> [String] {
        expected.compactMap { name in
            guard let container = observed.first(where: { $0.container == "\(prefix)-\(name)" }) else {
                return "\(name): no container \(prefix)-\(name) on the node"
            }
            return container.state == "running" ? nil : "\(name): \(container.container) is \(container.state)"
        }
    }

    /// A request's layers, secrets and note checked before anything is stored.
    static func check(
        config: ContainerConfig?, instances: [String: ContainerConfig]?, secrets: [String: String]?, note: String?, version: VersionRow
    ) throws {
        if let note, note.utf8.count > 4096 { throw HTTPResponseError(.outOfRange, "note: at most 4 KiB") }
        var problems: [ConfigProblem] = []
        if let config { problems += config.problems(at: "config") + VersionTemplating.problems(in: config, at: "config") }
        let names = Set(version.images.map(\.name))
        for (name, layer) in (instances ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard names.contains(name) else {
                throw HTTPResponseError(
                    .invalidArguments,
                    "instances.\(name): version \(version.name) has no image named '\(name)' (it has \(names.sorted().joined(separator: ", ")))")
            }
            problems += layer.problems(at: "instances.\(name)") + VersionTemplating.problems(in: layer, at: "instances.\(name)")
        }
        if let first = problems.first {
            throw HTTPResponseError(.invalidArguments, problems.count == 1 ? first.description : "\(first) (and \(problems.count - 1) more)")
        }
        for (name, value) in secrets ?? [:] {
            guard SubmitJobRequest.isEnvironmentName(name) else {
                throw HTTPResponseError(.invalidSecretName, "secrets: '\(name)' is not an environment variable name")
            }
            guard value.utf8.count <= 65_536 else { throw HTTPResponseError(.outOfRange, "secrets.\(name): at most 64 KiB") }
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The deployment named by `:id`: a full id or a unique prefix of one (at least 4 characters).
    private func deployment(_ call: Call) async throws -> DeploymentRow {
        let raw = try ProductsController.parameter(call, "id")
        if let id = UUID(uuidString: raw) { return try await found(id, call: call) }
        guard raw.count >= 4, raw.count < 36 else {
            throw HTTPResponseError(.notFound, "no deployment has this id (a full id, or a unique prefix of at least 4 characters)")
        }
        let matches = try await delivery.deployments(team: call.principal.teamID, idPrefix: raw)
        guard matches.count == 1 else {
            throw HTTPResponseError(.notFound, matches.isEmpty ? "no deployment '\(raw)'" : "'\(raw)' names more than one deployment: give more of its id")
        }
        return try await found(matches[0], call: call)
    }

    private func found(_ id: UUID, call: Call) async throws -> DeploymentRow {
        guard let row = try await delivery.deployment(team: call.principal.teamID, id: id) else {
            // The id is not echoed: the caller has it, and a reply should hold nothing it did not know.
            throw HTTPResponseError(.notFound, "the team has no deployment with this id")
        }
        return row
    }
}
