import Foundation

/// An HTTP method of the API (only the ones it uses). Its raw value is the method as sent.
public enum APIMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
}

/// Every route of the `/v1` API: its path template, method and the least role it needs.
///
/// The Gateway builds its router from this table (and checks each route's role in one place);
/// the CLI fills the same templates (`APIRoute.getJob.path(id: "last")`), and the authorisation
/// and fuzz suites iterate over it — so a route cannot be served, called or tested under two
/// spellings. A case's raw value names it in the audit log (`submitJob.denied`).
public enum APIRoute: String, CaseIterable, Sendable {
    case health, ready, login, logout, acceptInvitation, enrol
    /// The API's own OpenAPI 3.1 document, generated from this table.
    case openapi
    case whoami
    case submitJob, listJobs, getJob, jobEvents
    case listNodes, addNode, removeNode, matchNodes
    case createTeam, listTeams, listMembers, invite, setRole, removeMember
    case createUser, listUsers, getUser, disableUser, enableUser, removeUser, setPassword
    case createToken, listTokens, revokeToken
    case listAudit, verifyAudit
    case rotateKeys
    case addNotification, listNotifications, removeNotification, testNotification
    case purgeJobs, purgeNodes
    case getArtifact, uploadArtifact, nodeArtifact
    case submitBootstrap, listBootstrap, getBootstrap, bootstrapEvents, bootstrapFile
    case addCredential, listCredentials, removeCredential, listKnownHosts, forgetKnownHost
    case containerRead, containerControl, containerAdmin
    case addRegistry, listRegistries, getRegistry, updateRegistry, removeRegistry, checkRegistry, browseRegistry
    case createProduct, listProducts, getProduct, updateProduct, removeProduct
    case createVersion, getVersion, updateVersion, removeVersion, increaseVersion, setDefaultVersion
    case addImage, updateImage, removeImage
    case createDeployment, listDeployments, getDeployment, updateDeployment, removeDeployment, deploy, copyDeployment, deploymentEvents
    case createDeployToken, listDeployTokens, revokeDeployToken

    /// The route's method.
    public var method: APIMethod {
        switch self {
        case .health, .ready, .openapi, .whoami, .listJobs, .getJob, .jobEvents, .listNodes, .listTeams, .listMembers, .listTokens, .listAudit, .verifyAudit,
            .listNotifications, .getArtifact, .nodeArtifact, .listBootstrap, .getBootstrap, .bootstrapEvents, .bootstrapFile, .listCredentials,
            .listKnownHosts, .listRegistries, .getRegistry, .browseRegistry, .listProducts, .getProduct, .getVersion, .listDeployments, .getDeployment,
            .deploymentEvents, .listDeployTokens, .listUsers, .getUser:
            .get
        case .login, .logout, .acceptInvitation, .enrol, .submitJob, .addNode, .createTeam, .invite, .createUser, .createToken, .rotateKeys,
            .addNotification, .testNotification, .submitBootstrap, .addCredential, .containerRead, .containerControl, .containerAdmin, .addRegistry,
            .checkRegistry, .createProduct, .createVersion, .increaseVersion, .setDefaultVersion, .addImage, .createDeployment, .deploy, .copyDeployment,
            .createDeployToken, .matchNodes, .disableUser, .enableUser:
            .post
        case .setRole, .uploadArtifact, .updateRegistry, .updateProduct, .updateVersion, .updateImage, .updateDeployment, .setPassword: .put
        case .removeNode, .removeMember, .revokeToken, .removeNotification, .purgeJobs, .purgeNodes, .removeCredential, .forgetKnownHost,
            .removeRegistry, .removeProduct, .removeVersion, .removeImage, .removeDeployment, .revokeDeployToken, .removeUser:
            .delete
        }
    }

    /// The path template: literal segments and `:parameter` segments (the router's syntax).
    public var path: String {
        switch self {
        case .health: "/v1/health"
        case .ready: "/v1/ready"
        case .openapi: "/v1/openapi.json"
        case .login: "/v1/login"
        case .logout: "/v1/logout"
        case .acceptInvitation: "/v1/invitations/accept"
        case .enrol: "/v1/enrol"
        case .whoami: "/v1/whoami"
        case .submitJob, .listJobs, .purgeJobs: "/v1/jobs"
        case .getJob: "/v1/jobs/:id"
        case .jobEvents: "/v1/jobs/:id/events"
        case .listNodes, .addNode, .purgeNodes: "/v1/nodes"
        case .removeNode: "/v1/nodes/:name"
        case .matchNodes: "/v1/nodes/match"
        case .createTeam, .listTeams: "/v1/teams"
        case .listMembers: "/v1/team/members"
        case .invite: "/v1/team/invitations"
        case .setRole, .removeMember: "/v1/team/members/:user"
        case .createUser, .listUsers: "/v1/users"
        case .getUser, .removeUser: "/v1/users/:user"
        case .disableUser: "/v1/users/:user/disable"
        case .enableUser: "/v1/users/:user/enable"
        case .setPassword: "/v1/users/:user/password"
        case .createToken, .listTokens: "/v1/tokens"
        case .revokeToken: "/v1/tokens/:id"
        case .listAudit: "/v1/audit"
        case .verifyAudit: "/v1/audit/verify"
        case .rotateKeys: "/v1/keys/rotate"
        case .addNotification, .listNotifications: "/v1/notifications"
        case .removeNotification: "/v1/notifications/:id"
        case .testNotification: "/v1/notifications/:id/test"
        case .getArtifact, .uploadArtifact: "/v1/artifacts/:digest"
        case .nodeArtifact: "/v1/node/artifacts/:digest"
        case .submitBootstrap, .listBootstrap: "/v1/bootstrap"
        case .getBootstrap: "/v1/bootstrap/:id"
        case .bootstrapEvents: "/v1/bootstrap/:id/events"
        case .bootstrapFile: "/v1/bootstrap/:id/file"
        case .addCredential, .listCredentials: "/v1/ssh-credentials"
        case .removeCredential: "/v1/ssh-credentials/:name"
        case .listKnownHosts: "/v1/known-hosts"
        case .forgetKnownHost: "/v1/known-hosts/:host"
        case .containerRead: "/v1/containers/read"
        case .containerControl: "/v1/containers/control"
        case .containerAdmin: "/v1/containers/admin"
        case .addRegistry, .listRegistries: "/v1/registries"
        case .getRegistry, .updateRegistry, .removeRegistry: "/v1/registries/:name"
        case .checkRegistry: "/v1/registries/:name/check"
        case .browseRegistry: "/v1/registries/:name/browse"
        case .createProduct, .listProducts: "/v1/products"
        case .getProduct, .updateProduct, .removeProduct: "/v1/products/:product"
        case .createVersion: "/v1/products/:product/versions"
        case .getVersion, .updateVersion, .removeVersion: "/v1/products/:product/versions/:version"
        case .increaseVersion: "/v1/products/:product/versions/:version/increase"
        case .setDefaultVersion: "/v1/products/:product/versions/:version/default"
        case .addImage: "/v1/products/:product/versions/:version/images"
        case .updateImage, .removeImage: "/v1/products/:product/versions/:version/images/:image"
        case .createDeployment, .listDeployments: "/v1/deployments"
        case .getDeployment, .updateDeployment, .removeDeployment: "/v1/deployments/:id"
        case .deploy: "/v1/deployments/:id/deploy"
        case .copyDeployment: "/v1/deployments/:id/copy"
        case .deploymentEvents: "/v1/deployments/:id/events"
        case .createDeployToken, .listDeployTokens: "/v1/deployments/:id/tokens"
        case .revokeDeployToken: "/v1/deployments/:id/tokens/:token"
        }
    }

    /// The least role allowed; nil for the public routes (which carry their own credential or none).
    public var minimumRole: Role? {
        switch self {
        // A node fetching an artifact signs its request with its own key (checked in the handler).
        case .health, .ready, .openapi, .login, .acceptInvitation, .enrol, .nodeArtifact: nil
        // Tokens are self-service (a viewer may hold a read-only token); admins also see and revoke others'.
        case .logout, .whoami, .listJobs, .getJob, .jobEvents, .listNodes, .listTeams, .listMembers, .listAudit, .verifyAudit,
            .createToken, .listTokens, .revokeToken, .listNotifications, .getArtifact, .listBootstrap, .getBootstrap, .bootstrapEvents,
            .listCredentials, .listKnownHosts, .containerRead, .listRegistries, .getRegistry, .browseRegistry, .listProducts, .getProduct, .getVersion,
            .listDeployments, .getDeployment, .deploymentEvents, .matchNodes:
            .viewer
        // Your own account: anyone may show it and change its password (with the current one);
        // admins show others and reset the password of members of no other team (in the handler).
        case .getUser, .setPassword: .viewer
        // Checking a registry uses its stored credentials (without showing them): members.
        // Members deploy: they create, edit, deploy, copy and delete deployments of the team's products.
        case .submitJob, .createTeam, .uploadArtifact, .bootstrapFile, .containerControl, .checkRegistry, .createDeployment, .updateDeployment,
            .removeDeployment, .deploy, .copyDeployment:
            .member
        // Bootstrapping is root on other machines: admins only.
        case .addNode, .removeNode, .invite, .setRole, .removeMember, .createUser, .addNotification, .removeNotification, .testNotification,
            .purgeJobs, .purgeNodes, .submitBootstrap, .addCredential, .removeCredential, .forgetKnownHost, .containerAdmin, .addRegistry,
            .updateRegistry, .removeRegistry, .createProduct, .updateProduct, .removeProduct, .createVersion, .updateVersion, .removeVersion,
            .increaseVersion, .setDefaultVersion, .addImage, .updateImage, .removeImage, .createDeployToken, .listDeployTokens, .revokeDeployToken:
            .admin
        // Accounts of the team's members (an owner's only by owners; never the last owner: in the handler).
        case .listUsers, .disableUser, .enableUser, .removeUser: .admin
        // The control-plane key is the installation's: owners of the default team only (checked in the handler).
        case .rotateKeys: .owner
        }
    }

    /// The names of the template's parameters, in order (`["id"]` for `/v1/jobs/:id/events`).
    public var parameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The path with every `:parameter` replaced by its value, percent-encoded as one path segment
    /// (a value cannot add segments or a query). Every parameter of the template must be given.
    public func path(_ values: [String: String]) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix(":") else { return String(segment) }
            let name = String(segment.dropFirst())
            guard let value = values[name] else { preconditionFailure("\(rawValue): no value for :\(name)") }
            return Self.encodeSegment(value)
        }.joined(separator: "/")
    }

    /// The path of a route with an `:id` (jobs, bootstrap runs, tokens, notifications).
    public func path(id: String) -> String { path(["id": id]) }
    /// The path of a route with a `:name` (nodes, SSH credentials).
    public func path(name: String) -> String { path(["name": name]) }
    /// The path of a route with a `:user` (team members).
    public func path(user: String) -> String { path(["user": user]) }
    /// The path of a route with a `:digest` (artifacts).
    public func path(digest: String) -> String { path(["digest": digest]) }
    /// The path of a route with a `:host` (known hosts).
    public func path(host: String) -> String { path(["host": host]) }

    /// What a path segment may hold unencoded (RFC 3986 `pchar`: unreserved, sub-delims, ':' and '@').
    static let segmentCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")

    /// `value` as one path segment: percent-encoded outside `pchar`; `.` and `..` (which would
    /// move up the path) encoded too.
    public static func encodeSegment(_ value: String) -> String {
        if value == "." || value == ".." { return String(repeating: "%2E", count: value.count) }
        return value.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? value
    }
}

extension APIRoute {
    /// The container route for an action: the one whose least role is the action's (viewers read,
    /// members start, stop, restart and pull, admins remove and prune).
    public static func containers(for action: ContainerOperation.Action) -> APIRoute {
        switch action.leastRole {
        case .viewer: .containerRead
        case .member: .containerControl
        case .admin, .owner: .containerAdmin
        }
    }
}
