import Foundation

/// One bootstrap run as listed (`coxswain bootstrap list`).
public struct BootstrapRunSummary: Codable, Sendable, Equatable {
    @LowercaseUUID public var id: UUID
    public var status: BootstrapRunStatus
    public var hosts: Int
    public var succeeded: Int
    public var failed: Int
    public var submittedBy: String
    public var error: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        id: UUID, status: BootstrapRunStatus, hosts: Int, succeeded: Int, failed: Int, submittedBy: String, error: String?, createdAt: Date, finishedAt: Date?
    ) {
        self.id = id
        self.status = status
        self.hosts = hosts
        self.succeeded = succeeded
        self.failed = failed
        self.submittedBy = submittedBy
        self.error = error
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    public var isFinal: Bool { status.isFinal }
}

/// A run with every host, step (and its output) and fetched file.
public struct BootstrapRunDetail: Codable, Sendable, Equatable {
    public var run: BootstrapRunSummary
    public var hosts: [BootstrapHostDetail]
    public var files: [BootstrapFileInfo]

    public init(run: BootstrapRunSummary, hosts: [BootstrapHostDetail], files: [BootstrapFileInfo]) {
        self.run = run
        self.hosts = hosts
        self.files = files
    }
}

public struct BootstrapHostDetail: Codable, Sendable, Equatable {
    public var name: String
    public var host: String
    public var port: Int
    public var username: String
    /// `server` or `client`.
    public var role: String
    public var status: BootstrapHostStatus
    public var error: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var steps: [BootstrapStepDetail]

    public init(
        name: String, host: String, port: Int, username: String, role: String, status: BootstrapHostStatus, error: String?, startedAt: Date?, finishedAt: Date?,
        steps: [BootstrapStepDetail]
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.username = username
        self.role = role
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.steps = steps
    }
}

public struct BootstrapStepDetail: Codable, Sendable, Equatable {
    public var seq: Int
    public var label: String
    public var status: BootstrapStepStatus
    public var exitCode: Int32?
    public var output: String
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(seq: Int, label: String, status: BootstrapStepStatus, exitCode: Int32?, output: String, startedAt: Date?, finishedAt: Date?) {
        self.seq = seq
        self.label = label
        self.status = status
        self.exitCode = exitCode
        self.output = output
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// A file a `GET` brought back (`coxswain bootstrap get RUN_ID PATH`).
public struct BootstrapFileInfo: Codable, Sendable, Equatable {
    public var host: String
    public var localName: String
    public var remotePath: String
    public var digest: String
    public var size: Int64

    public init(host: String, localName: String, remotePath: String, digest: String, size: Int64) {
        self.host = host
        self.localName = localName
        self.remotePath = remotePath
        self.digest = digest
        self.size = size
    }
}

/// `coxswain bootstrap credential add NAME --key-file PATH`: an SSH private key stored sealed.
public struct SSHCredentialRequest: Codable, Sendable, Equatable {
    public var name: String
    public var privateKey: String
    public var passphrase: String?

    public init(name: String, privateKey: String, passphrase: String? = nil) {
        self.name = name
        self.privateKey = privateKey
        self.passphrase = passphrase
    }
}

/// A stored SSH credential as listed (never its key).
public struct SSHCredentialInfo: Codable, Sendable, Equatable {
    public var name: String
    public var createdBy: String
    public var createdAt: Date

    public init(name: String, createdBy: String, createdAt: Date) {
        self.name = name
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// A host key the team trusts.
public struct KnownHostInfo: Codable, Sendable, Equatable {
    public var host: String
    public var port: Int
    public var algorithm: String
    public var fingerprint: String
    public var addedBy: String
    public var addedAt: Date

    public init(host: String, port: Int, algorithm: String, fingerprint: String, addedBy: String, addedAt: Date) {
        self.host = host
        self.port = port
        self.algorithm = algorithm
        self.fingerprint = fingerprint
        self.addedBy = addedBy
        self.addedAt = addedAt
    }
}
