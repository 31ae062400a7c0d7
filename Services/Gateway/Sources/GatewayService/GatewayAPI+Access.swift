import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird

/// Logins, sessions, teams, members, invitations, users and API tokens.
extension GatewayAPI {
    func login(_ request: Request, requestID: String) async throws -> Response {
        let login: LoginRequest
        switch try await body(LoginRequest.self, from: request) {
        case .decoded(let l): login = l
        case .rejected(let r): return r
        }
        let passwords = authenticator.passwords
        // Refused attempts beyond the rate are not audited one by one (that would let anyone flood the log).
        if let wait = passwords.admit(user: login.user) {
            return Self.tooManyRequests(retryAfter: wait, "too many login attempts for this user name; retry in \(wait) s")
        }
        // An unknown or disabled user is checked against a dummy hash: the same work, the same answer.
        let account = try await access.credentials(user: login.user)
        switch await passwords.verify(login.password, hash: account?.passwordHash) {
        case .busy:
            return Self.tooManyRequests(retryAfter: PasswordGuard.busyRetryAfter, "too many logins in progress; retry in \(PasswordGuard.busyRetryAfter) s")
        case .rejected:
            await record(nil, action: "login", target: "user:\(login.user)", outcome: .denied, requestID: requestID)
            return Self.error(.unauthorized, "invalid_credentials", "wrong user name or password")
        case .matched:
            break
        }
        guard let user = account else { return Self.error(.unauthorized, "invalid_credentials", "wrong user name or password") }
        let secret = Tokens.generate(prefix: "cxs_")
        let expiresAt = Date().addingTimeInterval(configuration.sessionTTL.seconds)
        try await access.createSession(user: user.id, tokenHash: Tokens.hash(secret), expiresAt: expiresAt)
        let teams = try await access.memberships(of: user.id)
        for m in teams {
            await record(nil, action: "login", target: "user:\(login.user)", outcome: .success, requestID: requestID, team: TeamID(m.teamID))
        }
        var response = Self.json(LoginResponse(session: secret, expiresAt: expiresAt, teams: teams))
        response.headers[.setCookie] = "\(Authenticator.sessionCookie)=\(secret); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(configuration.sessionTTL.seconds))"
        return response
    }

    func logout(_ call: Call) async throws -> Response {
        if case .session = call.principal.credential {
            let header = call.request.headers[.authorization] ?? ""
            let secret = header.lowercased().hasPrefix("session ") ? String(header.dropFirst(8)) : Authenticator.cookie(Authenticator.sessionCookie, in: call.request.headers[.cookie])
            if let secret { try await access.revokeSession(hash: Tokens.hash(secret)) }
            await record(call.principal, action: "logout", target: "session", outcome: .success, requestID: call.requestID)
        }
        return Self.json(["status": "logged out"])
    }

    func createTeam(_ call: Call) async throws -> Response {
        let create: CreateTeamRequest
        switch try await body(CreateTeamRequest.self, from: call.request) {
        case .decoded(let c): create = c
        case .rejected(let r): return r
        }
        guard NodeName.isValid(create.name) else { return Self.error(.badRequest, "invalid_name", "team names use lowercase letters, digits, '-', '_' and '.'") }
        guard let user = call.principal.userID else {
            return Self.error(.badRequest, "needs_user", "a team needs a user as its owner: log in (coxswain login) to create one")
        }
        do {
            let id = try await access.createTeam(name: create.name, owner: user)
            await record(call.principal, action: "team.create", target: "team:\(create.name)", outcome: .success, requestID: call.requestID, team: id)
            return Self.json(TeamMembership(team: create.name, teamID: id.rawValue, role: .owner), status: .created)
        } catch let error as AccessError {
            return Self.conflict(error)
        }
    }

    /// 409 for a refused name or another conflict (`name_unavailable` never says whose the name is).
    static func conflict(_ error: AccessError) -> Response {
        if case .nameUnavailable = error { return Self.error(.conflict, "name_unavailable", error.description) }
        return Self.error(.conflict, "conflict", error.description)
    }

    /// 429 with `Retry-After`.
    static func tooManyRequests(retryAfter seconds: Int, _ reason: String) -> Response {
        var response = Self.error(.tooManyRequests, "too_many_requests", reason)
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    func listTeams(_ call: Call) async throws -> Response {
        guard let user = call.principal.userID else {
            return Self.json([TeamMembership(team: call.principal.teamName, teamID: call.principal.teamID.rawValue, role: call.principal.role)])
        }
        return Self.json(try await access.memberships(of: user))
    }

    func invite(_ call: Call) async throws -> Response {
        let invite: InviteRequest
        switch try await body(InviteRequest.self, from: call.request) {
        case .decoded(let i): invite = i
        case .rejected(let r): return r
        }
        guard invite.role <= call.principal.role else {
            return Self.error(.forbidden, "forbidden", "you cannot invite with a role above your own (\(call.principal.role.rawValue))")
        }
        let token = Tokens.generate(prefix: "cxi_")
        // expiresInSeconds was range-checked with the body (RequestRange.invitationLifetime).
        let expiresAt = Date().addingTimeInterval(invite.expiresInSeconds ?? 7 * 86400)
        try await access.createInvitation(team: call.principal.teamID, role: invite.role, tokenHash: Tokens.hash(token), createdBy: call.principal.actor, expiresAt: expiresAt)
        await record(call.principal, action: "member.invite", target: "role:\(invite.role.rawValue)", outcome: .success, requestID: call.requestID)
        return Self.json(
            InvitationResponse(
                invitation: token, team: call.principal.teamName, role: invite.role, expiresAt: expiresAt,
                accept: "coxswain team join \(token) --user NAME"
            ),
            status: .created
        )
    }

    /// The one answer for a taken name with a wrong password and for a disabled user, so
    /// invitations reveal nothing about which names exist.
    static func invitationUserRejected() -> Response {
        Self.error(.unauthorized, "invalid_credentials", "this user name is taken or the password is wrong")
    }

    func acceptInvitation(_ request: Request, requestID: String) async throws -> Response {
        let accept: AcceptInvitationRequest
        switch try await body(AcceptInvitationRequest.self, from: request) {
        case .decoded(let a): accept = a
        case .rejected(let r): return r
        }
        let passwords = authenticator.passwords
        if let wait = passwords.admit(user: accept.user) {
            return Self.tooManyRequests(retryAfter: wait, "too many attempts for this user name; retry in \(wait) s")
        }
        // Checks that do not depend on whether the name exists come first.
        guard NodeName.isValid(accept.user) else { return Self.error(.badRequest, "invalid_name", "user names use lowercase letters, digits, '-', '_' and '.'") }
        guard accept.password.count >= 10 else { return Self.error(.badRequest, "weak_password", "passwords need at least 10 characters") }
        let tokenHash = Tokens.hash(accept.invitation)
        let invalid = Self.error(.notFound, "invalid_invitation", "the invitation is unknown, already used or expired")
        // No password work (and no user) for an invitation that is not valid.
        guard try await access.invitationIsOpen(tokenHash: tokenHash) else {
            await record(nil, action: "member.join", target: "user:\(accept.user)", outcome: .denied, requestID: requestID, details: ["reason": "invalid invitation"])
            return invalid
        }
        let user: InvitedUser
        if let account = try await access.account(named: accept.user) {
            // A disabled user is checked against the dummy hash: the same work, the same answer.
            switch await passwords.verify(accept.password, hash: account.disabled ? nil : account.passwordHash) {
            case .busy: return Self.tooManyRequests(retryAfter: PasswordGuard.busyRetryAfter, "too many password checks in progress; retry in \(PasswordGuard.busyRetryAfter) s")
            case .rejected:
                await record(nil, action: "member.join", target: "user:\(accept.user)", outcome: .denied, requestID: requestID)
                return Self.invitationUserRejected()
            case .matched: user = .existing(account.id)
            }
        } else {
            guard let hash = try await passwords.hash(accept.password) else {
                return Self.tooManyRequests(retryAfter: PasswordGuard.busyRetryAfter, "too many password checks in progress; retry in \(PasswordGuard.busyRetryAfter) s")
            }
            user = .new(name: accept.user, passwordHash: hash)
        }
        switch try await access.acceptInvitation(tokenHash: tokenHash, user: user) {
        case .invalidInvitation:
            return invalid
        case .userRejected:
            await record(nil, action: "member.join", target: "user:\(accept.user)", outcome: .denied, requestID: requestID)
            return Self.invitationUserRejected()
        case .joined(let team, let role, _):
            await record(nil, action: "member.join", target: "user:\(accept.user)", outcome: .success, requestID: requestID, details: ["role": role.rawValue], team: team)
            return Self.json(TeamMembership(team: try await access.teamName(team) ?? "", teamID: team.rawValue, role: role))
        }
    }

    func setRole(_ call: Call) async throws -> Response {
        let change: SetRoleRequest
        switch try await body(SetRoleRequest.self, from: call.request) {
        case .decoded(let c): change = c
        case .rejected(let r): return r
        }
        guard let name = call.parameter("user"), let user = try await memberID(name, team: call.principal.teamID) else {
            return Self.error(.notFound, "unknown_member", "no such member")
        }
        // Admins manage members up to admin; only owners grant or take away ownership.
        let current = try await access.members(of: call.principal.teamID).first { $0.name == name }?.role ?? .viewer
        if (change.role == .owner || current == .owner), call.principal.role < .owner {
            return Self.error(.forbidden, "forbidden", "only an owner can grant or remove the owner role")
        }
        do {
            try await access.setRole(team: call.principal.teamID, user: user, role: change.role)
        } catch let error as AccessError {
            return Self.error(.conflict, "last_owner", error.description)
        }
        await record(call.principal, action: "member.set_role", target: "user:\(name)", outcome: .success, requestID: call.requestID, details: ["role": change.role.rawValue])
        return Self.json(UserInfo(id: user.uuidString.lowercased(), name: name, role: change.role))
    }

    func removeMember(_ call: Call) async throws -> Response {
        guard let name = call.parameter("user"), let user = try await memberID(name, team: call.principal.teamID) else {
            return Self.error(.notFound, "unknown_member", "no such member")
        }
        let current = try await access.members(of: call.principal.teamID).first { $0.name == name }?.role ?? .viewer
        if current == .owner, call.principal.role < .owner { return Self.error(.forbidden, "forbidden", "only an owner can remove an owner") }
        do {
            try await access.removeMember(team: call.principal.teamID, user: user)
        } catch let error as AccessError {
            return Self.error(error == .lastOwner ? .conflict : .notFound, error == .lastOwner ? "last_owner" : "unknown_member", error.description)
        }
        await record(call.principal, action: "member.remove", target: "user:\(name)", outcome: .success, requestID: call.requestID)
        return Self.json(["status": "removed"])
    }

    /// A user id only when that user is a member of the team (other teams' users are "not found").
    func memberID(_ name: String, team: TeamID) async throws -> UUID? {
        try await access.members(of: team).first { $0.name == name }.flatMap { UUID(uuidString: $0.id) }
    }

    func createUser(_ call: Call) async throws -> Response {
        let create: CreateUserRequest
        switch try await body(CreateUserRequest.self, from: call.request) {
        case .decoded(let c): create = c
        case .rejected(let r): return r
        }
        guard NodeName.isValid(create.name) else { return Self.error(.badRequest, "invalid_name", "user names use lowercase letters, digits, '-', '_' and '.'") }
        guard create.password.count >= 10 else { return Self.error(.badRequest, "weak_password", "passwords need at least 10 characters") }
        let role = create.role ?? .member
        guard role <= call.principal.role else { return Self.error(.forbidden, "forbidden", "you cannot grant a role above your own") }
        guard let hash = try await authenticator.passwords.hash(create.password) else {
            return Self.tooManyRequests(retryAfter: PasswordGuard.busyRetryAfter, "too many password checks in progress; retry in \(PasswordGuard.busyRetryAfter) s")
        }
        let id: UUID
        do {
            id = try await access.createUser(name: create.name, passwordHash: hash)
        } catch let error as AccessError {
            return Self.error(.conflict, "conflict", error.description)
        }
        try await access.setRole(team: call.principal.teamID, user: id, role: role)
        await record(call.principal, action: "user.create", target: "user:\(create.name)", outcome: .success, requestID: call.requestID, details: ["role": role.rawValue])
        return Self.json(UserInfo(id: id.uuidString.lowercased(), name: create.name, role: role), status: .created)
    }

    func createToken(_ call: Call) async throws -> Response {
        let create: CreateTokenRequest
        switch try await body(CreateTokenRequest.self, from: call.request) {
        case .decoded(let c): create = c
        case .rejected(let r): return r
        }
        guard let user = call.principal.userID, let userName = call.principal.userName else {
            return Self.error(.badRequest, "needs_user", "API tokens belong to a user: log in (coxswain login) to create one")
        }
        let role = create.role ?? call.principal.role
        guard role <= call.principal.role else {
            return Self.error(.forbidden, "forbidden", "a token's role cannot be above yours (\(call.principal.role.rawValue))")
        }
        // expiresInSeconds was range-checked with the body (RequestRange.tokenLifetime).
        let lifetime = create.expiresInSeconds ?? 30 * 86400
        let secret = Tokens.generate(prefix: "cxt_")
        let expiresAt = Date().addingTimeInterval(lifetime)
        let id = try await access.createToken(team: call.principal.teamID, user: user, name: create.name, role: role, tokenHash: Tokens.hash(secret), expiresAt: expiresAt)
        await record(call.principal, action: "token.create", target: "token:\(id.uuidString.lowercased())", outcome: .success, requestID: call.requestID, details: ["name": create.name, "role": role.rawValue])
        return Self.json(
            TokenInfo(
                id: id.uuidString.lowercased(), name: create.name, user: userName, team: call.principal.teamName, role: role, createdAt: Date(),
                expiresAt: expiresAt, revokedAt: nil, lastUsedAt: nil, secret: secret
            ),
            status: .created
        )
    }

    func revokeToken(_ call: Call) async throws -> Response {
        guard let raw = call.parameter("id"), let id = UUID(uuidString: raw) else { return Self.error(.notFound, "unknown_token", "no such token") }
        // Your own tokens, or (admins) anyone's in the team; others' are "not found".
        let mine = try await access.tokens(team: call.principal.teamID).contains { $0.id == raw && $0.user == call.principal.userName }
        guard mine || call.principal.role >= .admin, try await access.revokeToken(team: call.principal.teamID, id: id) else {
            return Self.error(.notFound, "unknown_token", "no such token")
        }
        await record(call.principal, action: "token.revoke", target: "token:\(raw)", outcome: .success, requestID: call.requestID)
        return Self.json(["status": "revoked"])
    }
}
