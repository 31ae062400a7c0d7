import CoxswainCore
import CoxswainMessaging
import HTTPTypes
import Hummingbird
import Logging

/// The `/v1` API, served identically on the UNIX socket and on HTTP: the router, built from the
/// route table (`Endpoint`, i.e. `APIRoute`), and the controllers it hands each call to.
///
/// Every route goes through `respond`: the caller is authenticated and the route's least role
/// checked here, in one place (a denial is audited), then the route's controller method runs. A
/// controller throws `HTTPResponseError` to refuse; the router turns it — or a database refusal
/// of the request's data, or any other error as a 500 — into the JSON `APIError` answer.
package struct GatewayAPI: Sendable {
    let authenticator: Authenticator
    let recorder: ActionRecorder
    let health: HealthController
    let jobs: JobsController
    let containers: ContainersController
    let registries: RegistriesController
    let products: ProductsController
    let deployments: DeploymentsController
    let nodes: NodesController
    let access: AccessController
    let audit: AuditController
    let keys: KeysController
    let notifications: NotificationsController
    let artifacts: ArtifactsController
    let bootstrap: BootstrapController
    let logger: Logger
    /// `GET /v1/openapi.json`: the document, generated from the route table when the Gateway starts.
    let openapi = OpenAPIController()

    /// The router: one route per `Endpoint`, each through `respond`.
    package func router() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        for endpoint in Endpoint.allCases {
            router.on(RouterPath(endpoint.path), method: endpoint.method.http) { request, context in
                do {
                    return try await respond(endpoint, request, context)
                } catch let refusal as HTTPResponseError {
                    return refusal.response
                } catch {
                    if let refusal = Self.refusal(databaseError: error) {
                        logger.notice(
                            "request refused by the database", metadata: ["http.route": "\(endpoint.rawValue)", "error": "\(String(reflecting: error))"])
                        return refusal.response
                    }
                    logger.error("request failed", metadata: ["http.route": "\(endpoint.rawValue)", "error": "\(String(reflecting: error))"])
                    return HTTPResponseError.internalError.response
                }
            }
        }
        return router
    }

    /// Authenticates and authorises the call (unless the route is public), then hands it to the route's controller.
    func respond(_ endpoint: Endpoint, _ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let requestID = request.headers[HTTPField.Name("X-Request-ID")!] ?? UUIDv4.string()
        guard let minimum = endpoint.minimumRole else {
            return try await handle(endpoint, PublicCall(request: request, context: context, requestID: requestID))
        }
        guard let principal = try await authenticator.authenticate(request, context: context) else {
            throw HTTPResponseError.unauthenticated
        }
        // A deploy token deploys and reads its one deployment, nothing else.
        if case .deployToken(_, _, let deployment) = principal.credential {
            let allowed: Set<Endpoint> = [.deploy, .getDeployment, .deploymentEvents]
            guard allowed.contains(endpoint), context.parameters.get("id")?.lowercased() == deployment.uuidString.lowercased() else {
                await recorder.record(
                    principal, action: "\(endpoint.rawValue).denied", target: endpoint.path, outcome: .denied, requestID: requestID,
                    details: ["reason": "a deploy token may only deploy and read its own deployment (by its full id)"])
                throw HTTPResponseError(.forbidden, "a deploy token may only deploy and read its own deployment, by its full id")
            }
        }
        guard principal.role >= minimum else {
            await recorder.record(
                principal, action: "\(endpoint.rawValue).denied", target: endpoint.path, outcome: .denied, requestID: requestID,
                details: ["needs": minimum.rawValue, "has": principal.role.rawValue]
            )
            throw HTTPResponseError.forbidden(needs: minimum, team: principal.teamName, has: principal.role)
        }
        return try await handle(endpoint, Call(request: request, context: context, principal: principal, requestID: requestID))
    }

    /// The public routes (`minimumRole == nil`): they carry their own credential or none.
    func handle(_ endpoint: Endpoint, _ call: PublicCall) async throws -> Response {
        switch endpoint {
        case .health: health.health(call)
        case .ready: try await health.readiness(call)
        case .login: try await access.login(call)
        case .acceptInvitation: try await access.acceptInvitation(call)
        case .enrol: try await nodes.enrol(call)
        case .nodeArtifact: try await artifacts.nodeDownload(call)
        case .openapi: try openapi.serve(call)
        default: throw HTTPResponseError.noSuchRoute
        }
    }

    /// The authenticated routes, each to its controller.
    func handle(_ endpoint: Endpoint, _ call: Call) async throws -> Response {
        switch endpoint {
        case .whoami: access.whoami(call)
        case .logout: try await access.logout(call)
        case .createTeam: try await access.createTeam(call)
        case .listTeams: try await access.listTeams(call)
        case .listMembers: try await access.listMembers(call)
        case .invite: try await access.invite(call)
        case .setRole: try await access.setRole(call)
        case .removeMember: try await access.removeMember(call)
        case .createUser: try await access.createUser(call)
        case .createToken: try await access.createToken(call)
        case .listTokens: try await access.listTokens(call)
        case .revokeToken: try await access.revokeToken(call)
        case .listUsers: try await access.listUsers(call)
        case .getUser: try await access.getUser(call)
        case .disableUser: try await access.setDisabled(call, disabled: true)
        case .enableUser: try await access.setDisabled(call, disabled: false)
        case .removeUser: try await access.removeUser(call)
        case .setPassword: try await access.setPassword(call)

        case .submitJob: try await jobs.submit(call)
        case .listJobs: try await jobs.list(call)
        case .getJob: try await jobs.detail(call)
        case .jobEvents: try await jobs.events(call)
        case .purgeJobs: try await jobs.purge(call)

        case .listNodes: try await nodes.list(call)
        case .matchNodes: try await nodes.match(call)
        case .addNode: try await nodes.add(call)
        case .removeNode: try await nodes.remove(call)
        case .purgeNodes: try await nodes.purge(call)

        case .listAudit: try await audit.list(call)
        case .verifyAudit: try await audit.verify(call)
        case .rotateKeys: try await keys.rotate(call)

        case .addNotification: try await notifications.add(call)
        case .listNotifications: try await notifications.list(call)
        case .removeNotification: try await notifications.remove(call)
        case .testNotification: try await notifications.test(call)

        case .getArtifact: try await artifacts.info(call)
        case .uploadArtifact: try await artifacts.upload(call)

        case .submitBootstrap: try await bootstrap.submit(call)
        case .listBootstrap: try await bootstrap.list(call)
        case .getBootstrap: try await bootstrap.detail(call)
        case .bootstrapEvents: try await bootstrap.events(call)
        case .bootstrapFile: try await bootstrap.file(call)
        case .addCredential: try await bootstrap.addCredential(call)
        case .listCredentials: try await bootstrap.listCredentials(call)
        case .removeCredential: try await bootstrap.removeCredential(call)
        case .listKnownHosts: try await bootstrap.listKnownHosts(call)
        case .forgetKnownHost: try await bootstrap.forgetKnownHost(call)

        case .containerRead, .containerControl, .containerAdmin: try await containers.perform(call, route: endpoint)
        case .createProduct: try await products.create(call)
        case .listProducts: try await products.list(call)
        case .getProduct: try await products.show(call)
        case .updateProduct: try await products.update(call)
        case .removeProduct: try await products.remove(call)
        case .createVersion: try await products.createVersion(call)
        case .getVersion: try await products.showVersion(call)
        case .updateVersion: try await products.updateVersion(call)
        case .removeVersion: try await products.removeVersion(call)
        case .increaseVersion: try await products.increase(call)
        case .setDefaultVersion: try await products.setDefault(call)
        case .addImage: try await products.addImage(call)
        case .updateImage: try await products.updateImage(call)
        case .removeImage: try await products.removeImage(call)
        case .createDeployment: try await deployments.create(call)
        case .listDeployments: try await deployments.list(call)
        case .getDeployment: try await deployments.show(call)
        case .updateDeployment: try await deployments.update(call)
        case .removeDeployment: try await deployments.remove(call)
        case .deploy: try await deployments.deploy(call)
        case .copyDeployment: try await deployments.copy(call)
        case .deploymentEvents: try await deployments.events(call)
        case .createDeployToken: try await deployments.createToken(call)
        case .listDeployTokens: try await deployments.listTokens(call)
        case .revokeDeployToken: try await deployments.revokeToken(call)

        case .addRegistry: try await registries.add(call)
        case .listRegistries: try await registries.list(call)
        case .getRegistry: try await registries.show(call)
        case .updateRegistry: try await registries.update(call)
        case .removeRegistry: try await registries.remove(call)
        case .checkRegistry: try await registries.check(call)
        case .browseRegistry: try await registries.browse(call)

        case .health, .ready, .openapi, .login, .acceptInvitation, .enrol, .nodeArtifact:
            try await handle(endpoint, PublicCall(request: call.request, context: call.context, requestID: call.requestID))
        }
    }
}
