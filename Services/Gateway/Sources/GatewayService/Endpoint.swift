import CoxswainCore
import HTTPTypes

/// Every route of the API, with the least role it needs. The router is built from this table and
/// the authorisation test suite iterates over it, so a new route cannot skip either.
package enum Endpoint: String, CaseIterable, Sendable {
    case health, ready, login, logout, acceptInvitation, enrol
    case whoami
    case submitJob, listJobs, getJob, jobEvents
    case listNodes, addNode, removeNode
    case createTeam, listTeams, listMembers, invite, setRole, removeMember
    case createUser
    case createToken, listTokens, revokeToken
    case listAudit, verifyAudit
    case rotateKeys
    case addNotification, listNotifications, removeNotification, testNotification
    case purgeJobs, purgeNodes
    case getArtifact, uploadArtifact, nodeArtifact
    case submitBootstrap, listBootstrap, getBootstrap, bootstrapEvents, bootstrapFile
    case addCredential, listCredentials, removeCredential, listKnownHosts, forgetKnownHost

    package var method: HTTPRequest.Method {
        switch self {
        case .getArtifact, .nodeArtifact, .listBootstrap, .getBootstrap, .bootstrapEvents, .bootstrapFile, .listCredentials, .listKnownHosts: .get
        case .submitBootstrap, .addCredential: .post
        case .removeCredential, .forgetKnownHost: .delete
        case .uploadArtifact: .put
        case .health, .ready, .whoami, .listJobs, .getJob, .jobEvents, .listNodes, .listTeams, .listMembers, .listTokens, .listAudit, .verifyAudit,
            .listNotifications: .get
        case .login, .logout, .acceptInvitation, .enrol, .submitJob, .addNode, .createTeam, .invite, .createUser, .createToken, .rotateKeys,
            .addNotification, .testNotification: .post
        case .setRole: .put
        case .removeNode, .removeMember, .revokeToken, .removeNotification, .purgeJobs, .purgeNodes: .delete
        }
    }

    package var path: String {
        switch self {
        case .health: "/v1/health"
        case .ready: "/v1/ready"
        case .login: "/v1/login"
        case .logout: "/v1/logout"
        case .acceptInvitation: "/v1/invitations/accept"
        case .enrol: "/v1/enrol"
        case .whoami: "/v1/whoami"
        case .submitJob, .listJobs: "/v1/jobs"
        case .getJob: "/v1/jobs/:id"
        case .jobEvents: "/v1/jobs/:id/events"
        case .listNodes, .addNode: "/v1/nodes"
        case .removeNode: "/v1/nodes/:name"
        case .createTeam, .listTeams: "/v1/teams"
        case .listMembers: "/v1/team/members"
        case .invite: "/v1/team/invitations"
        case .setRole, .removeMember: "/v1/team/members/:user"
        case .createUser: "/v1/users"
        case .createToken, .listTokens: "/v1/tokens"
        case .revokeToken: "/v1/tokens/:id"
        case .listAudit: "/v1/audit"
        case .verifyAudit: "/v1/audit/verify"
        case .rotateKeys: "/v1/keys/rotate"
        case .addNotification, .listNotifications: "/v1/notifications"
        case .removeNotification: "/v1/notifications/:id"
        case .testNotification: "/v1/notifications/:id/test"
        case .purgeJobs: "/v1/jobs"
        case .purgeNodes: "/v1/nodes"
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
        }
    }

    /// The least role allowed; nil for the public routes (which carry their own credential or none).
    package var minimumRole: Role? {
        switch self {
        // A node fetching an artifact signs its request with its own key (checked in the handler).
        case .health, .ready, .login, .acceptInvitation, .enrol, .nodeArtifact: nil
        case .getArtifact, .listBootstrap, .getBootstrap, .bootstrapEvents, .listCredentials, .listKnownHosts: .viewer
        case .bootstrapFile: .member
        // Bootstrapping is root on other machines: admins only.
        case .submitBootstrap, .addCredential, .removeCredential, .forgetKnownHost: .admin
        case .uploadArtifact: .member
        // Tokens are self-service (a viewer may hold a read-only token); admins also see and revoke others'.
        case .logout, .whoami, .listJobs, .getJob, .jobEvents, .listNodes, .listTeams, .listMembers, .listAudit, .verifyAudit,
            .createToken, .listTokens, .revokeToken, .listNotifications: .viewer
        case .submitJob, .createTeam: .member
        case .addNode, .removeNode, .invite, .setRole, .removeMember, .createUser, .addNotification, .removeNotification, .testNotification,
            .purgeJobs, .purgeNodes: .admin
        // The control-plane key is the installation's: owners of the default team only (checked in the handler).
        case .rotateKeys: .owner
        }
    }
}
