import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird

/// Who may do what: logins and sessions, teams, members and their roles, invitations, users and
/// API tokens.
struct AccessController: Sendable {
    let access: AccessRepository
    /// Bounds the password work (logins, invitations, new users) strangers can trigger.
    let passwords: PasswordGuard
    /// How long a login session lasts (`gateway.session_ttl`).
    let sessionTTL: Duration
    let body: RequestBody
    let recorder: ActionRecorder

    // MARK: Sessions

    /// `POST /v1/login` (public): a session for a user name and password.
    func login(_ call: PublicCall) async throws -> Response {
        let login = try await body.decode(LoginRequest.self, from: call.request)
        // Refused attempts beyond the rate are not audited one by one (that would let anyone flood the log).
        if let wait = passwords.admit(user: login.user) {
            throw HTTPResponseError.tooManyRequests(retryAfter: wait, "too many login attempts for this user name; retry in \(wait) s")
        }
        // An unknown or disabled user is checked against a dummy hash: the same work, the same answer.
        let account = try await access.credentials(user: login.user)
        switch await passwords.verify(login.password, hash: account?.passwordHash) {
        case .busy:
            throw HTTPResponseError.passwordsBusy("logins")
        case .rejected:
            await recorder.record(nil, action: "login", target: "user:\(login.user)", outcome: .denied, requestID: call.requestID)
            throw HTTPResponseError.wrongPassword
        case .matched:
            break
        }
        guard let user = account else { throw HTTPResponseError.wrongPassword }
        let secret = Tokens.generate(prefix: "cxs_")
        let expiresAt = Date().addingTimeInterval(sessionTTL.seconds)
        try await access.createSession(user: user.id, tokenHash: Tokens.hash(secret), expiresAt: expiresAt)
        let teams = try await access.memberships(of: user.id)
        for m in teams {
            await recorder.record(nil, action: "login", target: "user:\(login.user)", outcome: .success, requestID: call.requestID, team: TeamID(m.teamID))
        }
        var response = APIResponse.json(LoginResponse(session: secret, expiresAt: expiresAt, teams: teams))
        response.headers[.setCookie] = "\(Authenticator.sessionCookie)=\(secret); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(sessionTTL.seconds))"
        return response
    }

    /// `POST /v1/logout`: ends the session the call came with (tokens and the socket have none).
    func logout(_ call: Call) async throws -> Response {
        if case .session = call.principal.credential {
            let header = call.request.headers[.authorization] ?? ""
            let secret =
                header.lowercased().hasPrefix("session ")
                ? String(header.dropFirst(8)) : Authenticator.cookie(Authenticator.sessionCookie, in: call.request.headers[.cookie])
            if let secret { try await access.revokeSession(hash: Tokens.hash(secret)) }
            await recorder.record(call, action: "logout", target: "session")
        }
        return APIResponse.json(["status": "logged out"])
    }

    /// `GET /v1/whoami`.
    func whoami(_ call: Call) -> Response {
        let principal = call.principal
        return APIResponse.json(WhoAmI(actor: principal.actor, team: principal.teamName, role: principal.role, user: principal.userName))
    }

    // MARK: Teams and members

    /// `POST /v1/teams`: a new team, owned by the caller.
    func createTeam(_ call: Call) async throws -> Response {
        let create = try await body.decode(CreateTeamRequest.self, from: call.request)
        guard NodeName.isValid(create.name) else { throw HTTPResponseError(.invalidName, "team names use lowercase letters, digits, '-', '_' and '.'") }
        guard let user = call.principal.userID else {
            throw HTTPResponseError(.needsUser, "a team needs a user as its owner: log in (coxswain login) to create one")
        }
        do {
            let id = try await access.createTeam(name: create.name, owner: user)
            await recorder.record(call, action: "team.create", target: "team:\(create.name)", team: id)
            return APIResponse.json(TeamMembership(team: create.name, teamID: id.rawValue, role: .owner), status: .created)
        } catch let error as AccessError {
            throw HTTPResponseError.conflict(error)
        }
    }

    /// `GET /v1/teams`: the caller's teams (the socket operator's one team).
    func listTeams(_ call: Call) async throws -> Response {
        guard let user = call.principal.userID else {
            return APIResponse.json([TeamMembership(team: call.principal.teamName, teamID: call.principal.teamID.rawValue, role: call.principal.role)])
        }
        return APIResponse.json(try await access.memberships(of: user))
    }

    /// `GET /v1/team/members`.
    func listMembers(_ call: Call) async throws -> Response {
        APIResponse.json(try await access.members(of: call.principal.teamID))
    }

    /// `POST /v1/team/invitations`: a one-time invitation with a role up to the caller's.
    func invite(_ call: Call) async throws -> Response {
        let invite = try await body.decode(InviteRequest.self, from: call.request)
        guard invite.role <= call.principal.role else {
            throw HTTPResponseError.forbidden("you cannot invite with a role above your own (\(call.principal.role.rawValue))")
        }
        let token = Tokens.generate(prefix: "cxi_")
        // expiresInSeconds was range-checked with the body (RequestRange.invitationLifetime).
        let expiresAt = Date().addingTimeInterval(invite.expiresInSeconds ?? 7 * 86400)
        try await access.createInvitation(
            team: call.principal.teamID, role: invite.role, tokenHash: Tokens.hash(token), createdBy: call.principal.actor, expiresAt: expiresAt)
        await recorder.record(call, action: "member.invite", target: "role:\(invite.role.rawValue)")
        return APIResponse.json(
            InvitationResponse(
                invitation: token, team: call.principal.teamName, role: invite.role, expiresAt: expiresAt,
                accept: "coxswain team join \(token) --user NAME"
            ),
            status: .created
        )
    }

    /// `POST /v1/invitations/accept` (public: the invitation is the credential), for a new user or
    /// an existing one with their password.
    func acceptInvitation(_ call: PublicCall) async throws -> Response {
        let accept = try await body.decode(AcceptInvitationRequest.self, from: call.request)
        if let wait = passwords.admit(user: accept.user) {
            throw HTTPResponseError.tooManyRequests(retryAfter: wait, "too many attempts for this user name; retry in \(wait) s")
        }
        // Checks that do not depend on whether the name exists come first.
        guard NodeName.isValid(accept.user) else { throw HTTPResponseError.invalidUserName }
        guard accept.password.count >= 10 else { throw HTTPResponseError.weakPassword }
        let tokenHash = Tokens.hash(accept.invitation)
        let invalid = HTTPResponseError(.invalidInvitation, "the invitation is unknown, already used or expired")
        // No password work (and no user) for an invitation that is not valid.
        guard try await access.invitationIsOpen(tokenHash: tokenHash) else {
            await recorder.record(
                nil, action: "member.join", target: "user:\(accept.user)", outcome: .denied, requestID: call.requestID,
                details: ["reason": "invalid invitation"])
            throw invalid
        }
        let user: InvitedUser
        if let account = try await access.account(named: accept.user) {
            // A disabled user is checked against the dummy hash: the same work, the same answer.
            switch await passwords.verify(accept.password, hash: account.disabled ? nil : account.passwordHash) {
            case .busy: throw HTTPResponseError.passwordsBusy("password checks")
            case .rejected:
                await recorder.record(nil, action: "member.join", target: "user:\(accept.user)", outcome: .denied, requestID: call.requestID)
                throw HTTPResponseError.invitationUserRejected
            case .matched: user = .existing(account.id)
            }
        } else {
            guard let hash = try await passwords.hash(accept.password) else { throw HTTPResponseError.passwordsBusy("password checks") }
            user = .new(name: accept.user, passwordHash: hash)
        }
        switch try await access.acceptInvitation(tokenHash: tokenHash, user: user) {
        case .invalidInvitation:
            throw invalid
        case .userRejected:
            await recorder.record(nil, action: "member.join", target: "user:\(accept.user)", outcome: .denied, requestID: call.requestID)
            throw HTTPResponseError.invitationUserRejected
        case .joined(let team, let role, _):
            await recorder.record(
                nil, action: "member.join", target: "user:\(accept.user)", outcome: .success, requestID: call.requestID, details: ["role": role.rawValue],
                team: team
            )
            return APIResponse.json(TeamMembership(team: try await access.teamName(team) ?? "", teamID: team.rawValue, role: role))
        }
    }

    /// `PUT /v1/team/members/{user}`: admins manage roles up to admin; only owners grant or take away ownership.
    func setRole(_ call: Call) async throws -> Response {
        let change = try await body.decode(SetRoleRequest.self, from: call.request)
        guard let name = call.parameter("user"), let user = try await memberID(name, team: call.principal.teamID) else {
            throw HTTPResponseError.unknownMember
        }
        let current = try await access.members(of: call.principal.teamID).first { $0.name == name }?.role ?? .viewer
        if change.role == .owner || current == .owner, call.principal.role < .owner {
            throw HTTPResponseError.forbidden("only an owner can grant or remove the owner role")
        }
        do {
            try await access.setRole(team: call.principal.teamID, user: user, role: change.role)
        } catch let error as AccessError {
            throw HTTPResponseError(.lastOwner, error.description)
        }
        await recorder.record(call, action: "member.set_role", target: "user:\(name)", details: ["role": change.role.rawValue])
        return APIResponse.json(UserInfo(id: user.uuidString.lowercased(), name: name, role: change.role))
    }

    /// `DELETE /v1/team/members/{user}`.
    func removeMember(_ call: Call) async throws -> Response {
        guard let name = call.parameter("user"), let user = try await memberID(name, team: call.principal.teamID) else {
            throw HTTPResponseError.unknownMember
        }
        let current = try await access.members(of: call.principal.teamID).first { $0.name == name }?.role ?? .viewer
        if current == .owner, call.principal.role < .owner { throw HTTPResponseError.forbidden("only an owner can remove an owner") }
        do {
            try await access.removeMember(team: call.principal.teamID, user: user)
        } catch let error as AccessError {
            throw HTTPResponseError(error == .lastOwner ? .lastOwner : .unknownMember, error.description)
        }
        await recorder.record(call, action: "member.remove", target: "user:\(name)")
        return APIResponse.json(["status": "removed"])
    }

    /// A user id only when that user is a member of the team (other teams' users are "not found").
    func memberID(_ name: String, team: TeamID) async throws -> UUID? {
        try await access.members(of: team).first { $0.name == name }.flatMap { UUID(uuidString: $0.id) }
    }

    // MARK: Users and tokens

    /// `POST /v1/users`: a user with a password, made a member of the caller's team.
    func createUser(_ call: Call) async throws -> Response {
        let create = try await body.decode(CreateUserRequest.self, from: call.request)
        guard NodeName.isValid(create.name) else { throw HTTPResponseError.invalidUserName }
        guard create.password.count >= 10 else { throw HTTPResponseError.weakPassword }
        let role = create.role ?? .member
        guard role <= call.principal.role else { throw HTTPResponseError.forbidden("you cannot grant a role above your own") }
        guard let hash = try await passwords.hash(create.password) else { throw HTTPResponseError.passwordsBusy("password checks") }
        let id: UUID
        do {
            id = try await access.createUser(name: create.name, passwordHash: hash)
        } catch let error as AccessError {
            throw HTTPResponseError(.conflict, error.description)
        }
        try await access.setRole(team: call.principal.teamID, user: id, role: role)
        await recorder.record(call, action: "user.create", target: "user:\(create.name)", details: ["role": role.rawValue])
        return APIResponse.json(UserInfo(id: id.uuidString.lowercased(), name: create.name, role: role), status: .created)
    }

    /// `POST /v1/tokens`: an API token of the caller's, with a role up to theirs (the secret is shown once).
    func createToken(_ call: Call) async throws -> Response {
        let create = try await body.decode(CreateTokenRequest.self, from: call.request)
        guard let user = call.principal.userID, let userName = call.principal.userName else {
            throw HTTPResponseError(.needsUser, "API tokens belong to a user: log in (coxswain login) to create one")
        }
        let role = create.role ?? call.principal.role
        guard role <= call.principal.role else {
            throw HTTPResponseError.forbidden("a token's role cannot be above yours (\(call.principal.role.rawValue))")
        }
        // expiresInSeconds was range-checked with the body (RequestRange.tokenLifetime).
        let lifetime = create.expiresInSeconds ?? 30 * 86400
        let secret = Tokens.generate(prefix: "cxt_")
        let expiresAt = Date().addingTimeInterval(lifetime)
        let id = try await access.createToken(
            team: call.principal.teamID, user: user, name: create.name, role: role, tokenHash: Tokens.hash(secret), expiresAt: expiresAt)
        await recorder.record(
            call, action: "token.create", target: "token:\(id.uuidString.lowercased())", details: ["name": create.name, "role": role.rawValue])
        return APIResponse.json(
            TokenInfo(
                id: id.uuidString.lowercased(), name: create.name, user: userName, team: call.principal.teamName, role: role, createdAt: Date(),
                expiresAt: expiresAt, revokedAt: nil, lastUsedAt: nil, secret: secret
            ),
            status: .created
        )
    }

    /// `GET /v1/tokens`: the caller's own tokens; admins see the team's.
    func listTokens(_ call: Call) async throws -> Response {
        let tokens = try await access.tokens(team: call.principal.teamID)
        return APIResponse.json(call.principal.role >= .admin ? tokens : tokens.filter { $0.user == call.principal.userName })
    }

    /// `DELETE /v1/tokens/{id}`: your own tokens, or (admins) anyone's in the team; others' are "not found".
    func revokeToken(_ call: Call) async throws -> Response {
        guard let raw = call.parameter("id"), let id = UUID(uuidString: raw) else { throw HTTPResponseError.unknownToken }
        let mine = try await access.tokens(team: call.principal.teamID).contains { $0.id == raw && $0.user == call.principal.userName }
        guard mine || call.principal.role >= .admin, try await access.revokeToken(team: call.principal.teamID, id: id) else {
            throw HTTPResponseError.unknownToken
        }
        await recorder.record(call, action: "token.revoke", target: "token:\(raw)")
        return APIResponse.json(["status": "revoked"])
    }
}
