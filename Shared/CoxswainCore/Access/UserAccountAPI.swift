import Foundation

/// A member of the caller's team as `GET /v1/users` and `GET /v1/users/{user}` show them.
///
/// `tokens` is filled only by `GET /v1/users/{user}`: the user's API tokens in this team (never
/// their secrets).
public struct UserAccount: Codable, Sendable, Equatable {
    /// The user's id.
    public var id: String
    /// The user's name (unique in the installation).
    public var name: String
    /// The user's role in the caller's team.
    public var role: Role
    /// A disabled user cannot log in, and their sessions and API tokens do not work.
    public var disabled: Bool
    /// When the user was created.
    public var createdAt: Date
    /// When the user last logged in (the newest session), if ever.
    public var lastLoginAt: Date?
    /// How many of the user's API tokens in this team are neither revoked nor expired.
    public var activeTokens: Int
    /// When one of the user's API tokens in this team was last used (to the minute), if ever.
    public var lastTokenUseAt: Date?
    /// The user's API tokens in this team (`GET /v1/users/{user}` only).
    public var tokens: [TokenInfo]?

    /// A user as listed.
    public init(
        id: String, name: String, role: Role, disabled: Bool, createdAt: Date, lastLoginAt: Date?, activeTokens: Int, lastTokenUseAt: Date?,
        tokens: [TokenInfo]? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.disabled = disabled
        self.createdAt = createdAt
        self.lastLoginAt = lastLoginAt
        self.activeTokens = activeTokens
        self.lastTokenUseAt = lastTokenUseAt
        self.tokens = tokens
    }
}

/// `PUT /v1/users/{user}/password`: a new password.
///
/// Changing your own password needs `currentPassword`; an admin resetting another member's
/// password (a user of no other team, with a role not above the admin's) does not.
public struct ChangePasswordRequest: Codable, Sendable, Equatable {
    /// The caller's current password (needed for their own account).
    public var currentPassword: String?
    /// The new password (at least 10 characters).
    public var newPassword: String

    /// A password change.
    public init(currentPassword: String?, newPassword: String) {
        self.currentPassword = currentPassword
        self.newPassword = newPassword
    }
}
