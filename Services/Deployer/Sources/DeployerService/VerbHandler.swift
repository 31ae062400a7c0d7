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

    package init(status: TaskStatus, exitCode: Int32? = nil, stdout: String = "", stderr: String = "", error: String? = nil, cached: String? = nil) {
        self.status = status
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.error = error
        self.fingerprint = cached
        self.cached = cached != nil
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
}

/// One verb's implementation on the node. The agent looks verbs up in a table
/// (`VerbHandlers.standard`), so adding a verb is adding a type and a table entry.
package protocol VerbHandler: Sendable {
    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome
}

/// The table of verbs this agent executes.
package enum VerbHandlers {
    /// Without a node store: RUN and ECHO only.
    package static let standard: [Verb: any VerbHandler] = [
        .run: RunVerb(),
        .echo: EchoVerb(),
    ]

    /// Every verb this agent implements, with its durable node store (args, envs, job cache).
    package static func directord(store: NodeStore) -> [Verb: any VerbHandler] {
        let verb = NodeVerb(store: store)
        return [
            .run: verb, .echo: verb, .arg: verb, .env: verb, .workdir: verb, .cachefile: verb, .cacheevict: verb, .wait: verb, .service: verb,
            .pkg: verb, .dnf: verb, .add: verb, .copy: verb, .query: verb, .queryWait: verb, .jobWait: verb, .reboot: verb, .cacheDump: verb,
        ]
    }
}

/// `ECHO TEXT`: returns TEXT.
package struct EchoVerb: VerbHandler {
    package func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        context.emit(.stdout, task.arguments + "\n")
        return VerbOutcome(status: .succeeded, exitCode: 0, stdout: task.arguments + "\n")
    }
}

/// `RUN CMD`: `/bin/sh -c CMD` in its own process group, with the task's environment on top of the
/// agent's; the timeout kills the whole group.
package struct RunVerb: VerbHandler {
    package func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        let runner = ProcessRunner(outputLimit: context.outputLimit)
        var environment = context.environment
        for (k, v) in task.environment { environment[k] = v }
        let spec = ProcessSpec(
            arguments: ["-c", task.arguments], environment: environment, workingDirectory: nil,
            timeout: .clampedSeconds(task.timeoutSeconds)
        )
        let emit = context.emit
        let outcome = try await runner.run(spec) { channel, bytes in
            emit(channel == .stdout ? .stdout : .stderr, String(decoding: bytes, as: UTF8.self))
        }
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        if outcome.timedOut {
            return VerbOutcome(status: .timedOut, exitCode: outcome.exitCode, stdout: stdout, stderr: stderr, error: "killed after the \(task.timeoutSeconds) s timeout")
        }
        if let code = outcome.exitCode {
            return VerbOutcome(status: code == 0 ? .succeeded : .failed, exitCode: code, stdout: stdout, stderr: stderr, error: code == 0 ? nil : "exit code \(code)")
        }
        return VerbOutcome(status: .failed, exitCode: nil, stdout: stdout, stderr: stderr, error: "killed by signal \(outcome.terminationSignal ?? 0)")
    }
}
