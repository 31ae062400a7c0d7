import Foundation

/// `POST /v1/nodes` (admin): add a pending node; the answer carries its one-time enrolment token.
public struct AddNodeRequest: Codable, Sendable, Equatable {
    public var name: String
    public var labels: [String: String]?
    public var expiresInSeconds: Double?
    public init(name: String, labels: [String: String]? = nil, expiresInSeconds: Double? = nil) {
        self.name = name
        self.labels = labels
        self.expiresInSeconds = expiresInSeconds
    }
}

public struct AddNodeResponse: Codable, Sendable, Equatable {
    public var node: String
    public var enrolmentToken: String
    public var expiresAt: String
    /// How to start the agent with it.
    public var command: String
    public init(node: String, enrolmentToken: String, expiresAt: String, command: String) {
        self.node = node
        self.enrolmentToken = enrolmentToken
        self.expiresAt = expiresAt
        self.command = command
    }
}

/// `POST /v1/enrol` (no credentials: the enrolment token is the credential): a Deployer's first start.
public struct EnrolRequest: Codable, Sendable, Equatable {
    public var node: String
    public var token: String
    public var machineID: String
    /// Base64 Ed25519 public key the node signs results with.
    public var signingPublicKey: String
    /// Base64 X25519 public key secrets for the node are sealed to.
    public var sealingPublicKey: String
    public init(node: String, token: String, machineID: String, signingPublicKey: String, sealingPublicKey: String) {
        self.node = node
        self.token = token
        self.machineID = machineID
        self.signingPublicKey = signingPublicKey
        self.sealingPublicKey = sealingPublicKey
    }
}

/// What an enrolled node keeps (in its state directory, mode 0600) to run from then on.
public struct EnrolResponse: Codable, Sendable, Equatable {
    public var node: String
    public var teamID: String
    /// `amqp://coxswain-node-<name>:<password>@host:port/vhost`: this node's own broker user.
    public var amqpURL: String
    public var queue: String
    /// Base64 Ed25519 public keys of the control plane; task batches must be signed by one of them.
    public var controlPlaneKeys: [String]
    /// Keys being retired after a rotation, trusted until the given time (kept by the node).
    public var retiringKeys: [String: Date]?
    /// Where the node enrolled (kept by the node for artifact downloads; not sent by the Gateway).
    public var gatewayURL: String?
    public init(node: String, teamID: String, amqpURL: String, queue: String, controlPlaneKeys: [String], retiringKeys: [String: Date]? = nil) {
        self.node = node
        self.teamID = teamID
        self.amqpURL = amqpURL
        self.queue = queue
        self.controlPlaneKeys = controlPlaneKeys
        self.retiringKeys = retiringKeys
    }
}
