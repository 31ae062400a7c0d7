import CoxswainCore
import CoxswainStore
import Foundation
import Hummingbird

/// User accounts: list, show, disable, enable, remove, and passwords.
///
/// Admins manage the members of their team; only owners manage an owner's account; the team's
/// last owner can neither be removed nor disabled. A user's own account may be shown and its
/// password changed (with the current one) by the user, whatever their role. Disabling and
/// resetting someone else's password act on the whole account, so they are refused for a user who
/// also belongs to another team.
extension AccessController {
    /// `GET /v1/users` (admins): the team's members with their account state.
    func listUsers(_ call: Call) async throws -> Response {
        APIResponse.json(try await access.accounts(team: call.principal.teamID))
    }

    /// `GET /v1/users/{user}`: your own account, or (admins) any member's, with the API tokens in
    /// this team. Others' accounts are "not found" for non-admins.
    func getUser(_ call: Call) async throws -> Response {
        let name = call.parameter("user") ?? ""
        guard name == call.principal.userName || call.principal.role >= .admin,
            var account = try await access.account(team: call.principal.teamID, name: name)
        else { throw HTTPResponseError.unknownMember }
        account.tokens = try await access.tokens(team: call.principal.teamID).filter { $0.user == name }
        return APIResponse.json(account)
    }

    /// `POST /v1/users/{user}/disable` and `…/enable` (admins). A disabled user cannot log in,
    /// their sessions end and their API tokens stop working until they are enabled again.
    func setDisabled(_ call: Call, disabled: Bool) async throws -> Response {
        let (account, id) = try await manageableMember(call)
        if disabled, id == call.principal.userID { throw HTTPResponseError.forbidden("you cannot disable your own account") }
        do {
            try await access.setDisabled(team: call.principal.teamID, user: id, disabled: disabled)
        } catch let error as AccessError {
            throw HTTPResponseError.accountRefusal(error)
        }
        await recorder.record(call, action: disabled ? "user.disable" : "user.enable", target: "user:\(account.name)")
        guard let updated = try await access.account(team: call.principal.teamID, name: account.name) else { throw HTTPResponseError.unknownMember }
        return APIResponse.json(updated)
    }

    /// `DELETE /v1/users/{user}` (admins): removes the member from the team (their tokens here are
    /// revoked) and deletes the account when this was their last team.
    func removeUser(_ call: Call) async throws -> Response {
        let (account, id) = try await manageableMember(call)
        let deleted: Bool
        do {
            deleted = try await access.removeUser(team: call.principal.teamID, user: id)
        } catch let error as AccessError {
            throw HTTPResponseError.accountRefusal(error)
        }
        await recorder.record(call, action: "user.remove", target: "user:\(account.name)", details: ["account_deleted": String(deleted)])
        return APIResponse.json(["status": "removed"])
    }

    /// `PUT /v1/users/{user}/password`: your own password (the current one is needed; your other
    /// sessions end), or (admins) a reset of a member's who belongs to no other team (all their
    /// sessions end). API tokens are separate credentials and keep working.
    func setPassword(_ call: Call) async throws -> Response {
        let change = try await body.decode(ChangePasswordRequest.self, from: call.request)
        let name = call.parameter("user") ?? ""
        let user: UUID
        var keepSession: UUID?
        let bySelf: Bool
        if let me = call.principal.userID, name == call.principal.userName {
            guard let current = change.currentPassword else { throw HTTPResponseError.currentPasswordNeeded }
            if let wait = passwords.admit(user: name) {
                throw HTTPResponseError.tooManyRequests(retryAfter: wait, "too many password attempts for this user; retry in \(wait) s")
            }
            switch await passwords.verify(current, hash: try await access.passwordHash(user: me)) {
            case .busy: throw HTTPResponseError.passwordsBusy("password checks")
            case .rejected:
                await recorder.record(
                    call.principal, action: "user.password", target: "user:\(name)", outcome: .denied, requestID: call.requestID,
                    details: ["reason": "wrong current password"])
                throw HTTPResponseError.wrongCurrentPassword
            case .matched: break
            }
            user = me
            if case .session(let id) = call.principal.credential { keepSession = id }
            bySelf = true
        } else {
            guard call.principal.role >= .admin else { throw HTTPResponseError.unknownMember }
            let (_, id) = try await manageableMember(call)
            guard try await !access.hasOtherTeams(user: id, besides: call.principal.teamID) else {
                throw HTTPResponseError.accountRefusal(.sharedAccount)
            }
            user = id
            bySelf = false
        }
        guard change.newPassword.count >= 10 else { throw HTTPResponseError.weakPassword }
        guard let hash = try await passwords.hash(change.newPassword) else { throw HTTPResponseError.passwordsBusy("password checks") }
        try await access.setPassword(user: user, passwordHash: hash, keepSession: keepSession)
        await recorder.record(call, action: "user.password", target: "user:\(name)", details: ["by": bySelf ? "self" : "admin"])
        return APIResponse.json(["status": "password changed"])
    }

    /// The member named by the `user` parameter, when the caller may manage their account: a
    /// member of the caller's team, and not an owner unless the caller is one.
    func manageableMember(_ call: Call) async throws -> (UserAccount, UUID) {
        guard let name = call.parameter("user"), let account = try await access.account(team: call.principal.teamID, name: name),
            let id = UUID(uuidString: account.id)
        else { throw HTTPResponseError.unknownMember }
        if account.role == .owner, call.principal.role < .owner { throw HTTPResponseError.forbidden("only an owner can change an owner's account") }
        return (account, id)
    }
}

extension HTTPResponseError {
    /// 400 when changing your own password without the current one.
    static let currentPasswordNeeded = Self(.missingArguments, "changing your own password needs your current password (currentPassword)")
    /// 401 for a wrong current password.
    static let wrongCurrentPassword = Self(.invalidCredentials, "the current password is wrong")

    /// The answer to an account change the store refused.
    static func accountRefusal(_ error: AccessError) -> Self {
        switch error {
        case .lastOwner: Self(.lastOwner, error.description)
        case .notFound: .unknownMember
        case .sharedAccount, .conflict, .nameUnavailable: Self(.conflict, error.description)
        }
    }
}
