import Foundation

/// `POST /v1/login`.
public struct LoginRequest: Codable, Sendable, Equatable {
    public var user: String
    public var password: String
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}

/// Answer to a login: the session secret (also set as the `coxswain_session` cookie) and the
/// user's teams.
public struct LoginResponse: Codable, Sendable, Equatable {
    public var session: String
    public var expiresAt: Date
    public var teams: [TeamMembership]
    public init(session: String, expiresAt: Date, teams: [TeamMembership]) {
        self.session = session
        self.expiresAt = expiresAt
        self.teams = teams
    }
}

/// A team and the caller's role in it.
public struct TeamMembership: Codable, Sendable, Equatable {
    public var team: String
    public var teamID: String
    public var role: Role
    public init(team: String, teamID: String, role: Role) {
        self.team = team
        self.teamID = teamID
        self.role = role
    }
}

/// `GET /v1/whoami`.
public struct WhoAmI: Codable, Sendable, Equatable {
    public var actor: String
    public var team: String
    public var role: Role
    public var user: String?
    public init(actor: String, team: String, role: Role, user: String?) {
        self.actor = actor
        self.team = team
        self.role = role
        self.user = user
    }
}

/// `POST /v1/users` (owner of the default team, e.g. the local operator) and `POST /v1/invitations/accept`.
public struct CreateUserRequest: Codable, Sendable, Equatable {
    public var name: String
    public var password: String
    /// Add the new user to the caller's team with this role (optional).
    public var role: Role?
    public init(name: String, password: String, role: Role? = nil) {
        self.name = name
        self.password = password
        self.role = role
    }
}

/// A user as listed.
public struct UserInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: Role?
    public init(id: String, name: String, role: Role?) {
        self.id = id
        self.name = name
        self.role = role
    }
}

/// `POST /v1/teams`.
public struct CreateTeamRequest: Codable, Sendable, Equatable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `POST /v1/team/invitations`: invite someone with a role; the answer carries a one-time token.
public struct InviteRequest: Codable, Sendable, Equatable {
    public var role: Role
    public var expiresInSeconds: Double?
    public init(role: Role, expiresInSeconds: Double? = nil) {
        self.role = role
        self.expiresInSeconds = expiresInSeconds
    }
}

public struct InvitationResponse: Codable, Sendable, Equatable {
    public var invitation: String
    public var team: String
    public var role: Role
    public var expiresAt: Date
    /// How to accept: `coxswain team join TOKEN --user NAME` (creates the user if needed).
    public var accept: String
    public init(invitation: String, team: String, role: Role, expiresAt: Date, accept: String) {
        self.invitation = invitation
        self.team = team
        self.role = role
        self.expiresAt = expiresAt
        self.accept = accept
    }
}

/// `POST /v1/invitations/accept` (no credentials: the invitation is the credential).
public struct AcceptInvitationRequest: Codable, Sendable, Equatable {
    public var invitation: String
    public var user: String
    /// Needed when the user does not exist yet, or to prove it is theirs.
    public var password: String
    public init(invitation: String, user: String, password: String) {
        self.invitation = invitation
        self.user = user
        self.password = password
    }
}

/// `PUT /v1/team/members/{user}`.
public struct SetRoleRequest: Codable, Sendable, Equatable {
    public var role: Role
    public init(role: Role) { self.role = role }
}

/// `POST /v1/tokens`.
public struct CreateTokenRequest: Codable, Sendable, Equatable {
    public var name: String
    public var role: Role?
    public var expiresInSeconds: Double?
    public init(name: String, role: Role? = nil, expiresInSeconds: Double? = nil) {
        self.name = name
        self.role = role
        self.expiresInSeconds = expiresInSeconds
    }
}

/// An API token as listed; `secret` is set only in the answer that created it.
public struct TokenInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var user: String
    public var team: String
    public var role: Role
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?
    public var secret: String?
    public init(
        id: String, name: String, user: String, team: String, role: Role, createdAt: Date, expiresAt: Date, revokedAt: Date?, lastUsedAt: Date?, secret: String?
    ) {
        self.id = id
        self.name = name
        self.user = user
        self.team = team
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.secret = secret
    }
}
