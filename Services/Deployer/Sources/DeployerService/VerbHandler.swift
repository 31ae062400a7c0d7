import CoxswainCore
import Foundation

/// What a verb produced on the node.
package struct VerbOutcome: Sendable, Equatable {
    package var status: TaskStatus
    package var exitCode: Int32?
    package var stdout: String
    package var stderr: String
    package var error: String?
    /// The job's fingerprint (verb, options, rendered inputs), for the cache.
    package var fingerprint: String?
    /// True when the job was skipped because it succeeded here before with this fingerprint.
    package var cached: Bool
    /// QUERY: the value of the queried arg, as JSON.
    package var queryValue: String?
    /// REKEY: the node's new public keys (base64), reported in the result signed with the old key.
    package var rotatedSigningKey: String?
    package var rotatedSealingKey: String?

    package init(status: TaskStatus, exitCode: Int32? = nil, stdout: String = "", stderr: String = "", error: String? = nil, cached: String? = nil) {
        self.status = status
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.error = error
        self.fingerprint = cached
        self.cached = cached != nil
    }

    /// A verb this agent parses but has no implementation for.
    static func unsupported(_ verb: Verb) -> VerbOutcome {
        VerbOutcome(status: .failed, error: "verb \(verb.rawValue) is not supported by this agent yet")
    }
}

/// What a verb may use while it runs.
package struct VerbContext: Sendable {
    /// Streams a piece of live output to whoever watches the job.
    package var emit: @Sendable (OutputChunk.Channel, String) -> Void
    /// The agent's base environment for child processes.
    package var environment: [String: String]
    package var outputLimit: Int
    /// The task being run (ADD/COPY fetch its artifacts with it).
    package var taskID: TaskID
    /// Downloads ADD/COPY artifacts; `nil` when the agent knows no Gateway.
    package var artifacts: ArtifactFetcher?
    /// What REBOOT runs after its delay.
    package var rebootCommand: String
    /// When the control plane issued the task's batch (QUEUESENTINEL drops what was issued before).
    package var batchIssuedAt: Date
}

/// One verb family's implementation on the node. The agent looks verbs up in a table
/// (`VerbHandlers.directord`); most families are a `DirectordVerb` behind the shared
/// `VerbPipeline` (options, templates, job cache), a few act on the agent's own state directly.
package protocol VerbHandler: Sendable {
    /// The verbs this handler implements: its keys in the table.
    var verbs: [Verb] { get }
    /// Whether the verb acts on the node's queue of batches rather than waiting in it
    /// (QUEUESENTINEL): a batch holding it takes no batch slot, and no QUEUESENTINEL drops it.
    var controlsQueue: Bool { get }
    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome
}

extension VerbHandler {
    package var controlsQueue: Bool { false }
}
