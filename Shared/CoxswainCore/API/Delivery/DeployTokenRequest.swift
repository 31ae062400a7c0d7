import Foundation

/// `POST /v1/deployments/{id}/tokens`: a token that can only deploy this deployment (and read it),
/// for CI. Shown once.
public struct DeployTokenRequest: Codable, Sendable, Equatable {
    public var name: String
    /// Lifetime in seconds (default 30 days, at most a year).
    public var expiresInSeconds: Double?

    public init(name: String, expiresInSeconds: Double? = nil) {
        self.name = name
        self.expiresInSeconds = expiresInSeconds
    }
}

/// A deploy token as listed: never the token itself.
public struct DeployTokenInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var deploymentID: DeploymentID
    public var createdBy: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?
    /// The token, only in the answer that created it.
    public var token: String?

    public init(
        id: String, name: String, deploymentID: DeploymentID, createdBy: String, createdAt: Date, expiresAt: Date, revokedAt: Date?, lastUsedAt: Date?,
        token: String? = nil
    ) {
        self.id = id
        self.name = name
        self.deploymentID = deploymentID
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.token = token
    }

    /// The prefix of deploy tokens (API tokens use `cxt_`).
    public static let prefix = "cxd_"
}
