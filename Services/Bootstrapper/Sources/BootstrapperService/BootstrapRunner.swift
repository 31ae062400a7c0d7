import CoxswainAMQP
import CoxswainCatalog
import CoxswainCore
import CoxswainCrypto
import CoxswainMessaging
import CoxswainObservability
import CoxswainRuntime
import CoxswainSSH
import CoxswainStore
import Foundation
import Logging
import Metrics
import NIOCore
import Synchronization

/// Executes one bootstrap run: servers one at a time, then clients in parallel (the run's
/// `threads`), each host's steps in order over one SSH session; a failing step stops only that
/// host. Every host and step is recorded in Postgres as it goes and streamed as events.
package struct BootstrapRunner: Sendable {
    /// What a catalog writes for `coxswain_bootstrap.enrolment_token`; replaced, per host and
    /// only in the command sent over SSH, by a fresh one-time token for that node.
    package static let enrolmentTokenPlaceholder = "@@COXSWAIN_ENROLMENT_TOKEN@@"

    let repository: BootstrapRepository
    let artifacts: ArtifactRepository
    let nodes: NodeRepository
    let masterKey: SecretBox
    let publisher: AMQPPublisher
    let configuration: BootstrapperConfiguration
    let logger: Logger

    package init(
        repository: BootstrapRepository, artifacts: ArtifactRepository, nodes: NodeRepository, masterKey: SecretBox, publisher: AMQPPublisher,
        configuration: BootstrapperConfiguration, logger: Logger
    ) {
        self.repository = repository
        self.artifacts = artifacts
        self.nodes = nodes
        self.masterKey = masterKey
        self.publisher = publisher
        self.configuration = configuration
        self.logger = logger
    }

    /// Why a host failed, in words for the operator.
    struct HostFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Files of the run: uploads materialised from artifacts (once per digest, whatever the
    /// number of hosts asking at once), and what GETs brought back (a host sees its own GETs and
    /// the servers').
    final class Workspace: Sendable {
        let directory: String
        private let fetched = Mutex<[String: String]>([:])
        private let materialised = Mutex<[String: Task<String, any Error>]>([:])

        init(directory: String) { self.directory = directory }

        func fetchedPath(_ localName: String, host: String) -> String? {
            fetched.withLock { $0["\(host)/\(localName)"] ?? $0["server/\(localName)"] }
        }

        func recordFetched(_ localName: String, host: String, role: BootstrapRole, path: String) {
            fetched.withLock {
                $0["\(host)/\(localName)"] = path
                if role == .server { $0["server/\(localName)"] = path }
            }
        }

        /// The local copy of an artifact, made by the first caller; the others wait for it.
        func artifact(_ digest: String, make: @escaping @Sendable () async throws -> String) async throws -> String {
            let task = materialised.withLock { tasks -> Task<String, any Error> in
                if let existing = tasks[digest] { return existing }
                let task = Task { try await make() }
                tasks[digest] = task
                return task
            }
            return try await task.value
        }
    }

    /// Another Bootstrapper is running this run (its lease is live, or it died and the lease has not
    /// expired yet): the request is requeued and looked at again after 5 s.
    package struct RunLeased: FailureClassifying {
        package var poisonReason: String? { nil }
        package var retryAfter: Duration? { .seconds(5) }
    }

    /// Runs (or resumes) a run; returns when it is finished and recorded.
    package func run(_ id: UUID) async throws {
        let claimed: ClaimedBootstrapRun
        let lease = configuration.lease.seconds
        switch try await repository.claim(id, lease: lease) {
        case .claimed(let run): claimed = run
        case .leased: throw RunLeased()
        case .done:
            logger.info("bootstrap run already finished or unknown", metadata: ["bootstrap.id": "\(id)"])
            return
        }
        // Keep the lease while this run goes on.
        let renewer = Task { [repository, logger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(lease / 3))
                do { try await repository.renewLease(id, lease: lease) } catch {
                    logger.warning("bootstrap lease not renewed", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { renewer.cancel() }
        var logger = self.logger
        logger[metadataKey: "bootstrap.id"] = "\(id)"
        let plan = try JSONDecoder().decode(BootstrapPlan.self, from: Data(claimed.planJSON.utf8))
        await publish(BootstrapEvent(runID: id, teamID: claimed.team, kind: .runStarted))
        let directory = NSTemporaryDirectory() + "coxswain-bootstrap-\(id.uuidString.prefix(8))-\(UUID().uuidString.prefix(4))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let workspace = Workspace(directory: directory)

        var runError: String?
        var defaultKey: SSHPrivateKey?
        do {
            defaultKey = try await self.defaultKey(for: claimed)
        } catch {
            runError = "\(error)"
        }
        if runError == nil {
            let defaultKey = defaultKey
            let logger = logger
            let indexed = Array(plan.hosts.enumerated())
            // Servers one at a time, in order: clients may need what they produced.
            for (position, host) in indexed where host.role == .server && !claimed.finishedHosts.contains(position) {
                await runHost(host, position: position, run: claimed, defaultKey: defaultKey, workspace: workspace, logger: logger)
            }
            let clients = indexed.filter { $0.element.role == .client && !claimed.finishedHosts.contains($0.offset) }
            await withTaskGroup(of: Void.self) { group in
                var next = clients.makeIterator()
                for _ in 0..<min(claimed.threads, clients.count) {
                    guard let (position, host) = next.next() else { break }
                    group.addTask { await runHost(host, position: position, run: claimed, defaultKey: defaultKey, workspace: workspace, logger: logger) }
                }
                while await group.next() != nil {
                    if let (position, host) = next.next() {
                        group.addTask { await runHost(host, position: position, run: claimed, defaultKey: defaultKey, workspace: workspace, logger: logger) }
                    }
                }
            }
        }
        let status = try await repository.finish(run: id, error: runError)
        var event = BootstrapEvent(runID: id, teamID: claimed.team, kind: .runFinished)
        event.status = status.rawValue
        event.text = runError
        await publish(event, confirmed: true)
        Counter(label: MetricName.bootstrapRuns, dimensions: [("outcome", status.rawValue)]).increment()
        logger.notice("bootstrap run finished", metadata: ["bootstrap.status": "\(status)"])
    }

    /// The run's key: its `--key-file` (sealed for the run), else its stored credential, else the
    /// Bootstrapper's `bootstrapper.key_file`; `nil` when there is none (hosts must name one).
    func defaultKey(for run: ClaimedBootstrapRun) async throws -> SSHPrivateKey? {
        if let sealed = run.sealedKey {
            let material = try WireCoding.decode(SSHKeyMaterial.self, from: try masterKey.open(sealed, associatedData: Array("bootstrap-key:\(run.id)".utf8)))
            return try SSHPrivateKey(pem: material.privateKey, passphrase: material.passphrase)
        }
        if let name = run.credential { return try await credential(name, team: run.team) }
        // The Bootstrapper's own key is the installation's: only runs of the default team may use it.
        if let file = configuration.keyFile, run.team == TeamID.defaultTeam {
            guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw HostFailure(description: "cannot read bootstrapper.key_file \(file)")
            }
            return try SSHPrivateKey(pem: pem)
        }
        return nil
    }

    func credential(_ name: String, team: TeamID) async throws -> SSHPrivateKey {
        guard let sealed = try await repository.sealedCredential(team: team, name: name) else {
            throw HostFailure(description: "no SSH credential '\(name)' in the team")
        }
        let material = try WireCoding.decode(
            SSHKeyMaterial.self, from: try masterKey.open(sealed, associatedData: Array("ssh-credential:\(team):\(name)".utf8)))
        return try SSHPrivateKey(pem: material.privateKey, passphrase: material.passphrase)
    }

    func runHost(_ host: BootstrapHost, position: Int, run: ClaimedBootstrapRun, defaultKey: SSHPrivateKey?, workspace: Workspace, logger: Logger) async {
        var logger = logger
        logger[metadataKey: "bootstrap.host"] = "\(host.name)"
        var started = BootstrapEvent(runID: run.id, teamID: run.team, kind: .hostStarted)
        started.host = host.name
        await publish(started, confirmed: true)
        var failure: String?
        do {
            try await repository.hostStarted(run: run.id, position: position)
            try await execute(host, position: position, run: run, defaultKey: defaultKey, workspace: workspace, logger: logger)
        } catch {
            failure = "\(error)"
        }
        do {
            try await repository.hostFinished(run: run.id, position: position, succeeded: failure == nil, error: failure)
        } catch {
            logger.error("host outcome not recorded", metadata: ["error": "\(error)"])
        }
        var finished = BootstrapEvent(runID: run.id, teamID: run.team, kind: .hostFinished)
        finished.host = host.name
        finished.status = (failure == nil ? BootstrapHostStatus.succeeded : .failed).rawValue
        finished.text = failure
        await publish(finished, confirmed: true)
        if let failure { logger.warning("bootstrap host failed", metadata: ["error": "\(failure)"]) } else { logger.info("bootstrap host done") }
    }

    func execute(_ host: BootstrapHost, position: Int, run: ClaimedBootstrapRun, defaultKey: SSHPrivateKey?, workspace: Workspace, logger: Logger) async throws
    {
        let key: SSHPrivateKey
        if let name = host.credential {
            key = try await credential(name, team: run.team)
        } else if let defaultKey {
            key = defaultKey
        } else {
            throw HostFailure(
                description: "no SSH key for \(host.username)@\(host.host): give --key-file, --credential, a target 'credential', or bootstrapper.key_file")
        }
        var ssh = SSHConfiguration()
        ssh.connectTimeout = configuration.connectTimeout
        let verifier = HostKeyVerifier(
            repository: repository, team: run.team, acceptNew: run.acceptNewHostKeys, knownHostsFile: configuration.knownHostsFile,
            recordedBy: "bootstrap:\(run.id.uuidString.lowercased())", publisher: publisher, logger: logger
        )
        let target = SSHTarget(host: host.host, port: host.port, username: host.username)
        let session = try await SSHSession.connect(to: target, privateKey: key, configuration: ssh, logger: logger) { hostKey in
            try await verifier.verify(host: host.host, port: host.port, key: hostKey)
        }
        defer { Task { await session.close() } }
        var token: String?
        for (seq, step) in host.steps.enumerated() {
            var event = BootstrapEvent(runID: run.id, teamID: run.team, kind: .stepStarted)
            event.host = host.name
            event.step = seq
            event.label = step.label
            await publish(event)
            try await repository.stepStarted(run: run.id, position: position, seq: seq)
            let output = OutputCollector(limit: 256 << 10)
            var exitCode: Int32?
            var failure: String?
            // Live output goes out in order, through one publishing task per step.
            let (live, sink) = AsyncStream<BootstrapEvent>.makeStream()
            let streamer = Task { for await e in live { await publish(e) } }
            do {
                switch step.action {
                case .run(var command):
                    if command.contains(Self.enrolmentTokenPlaceholder) {
                        if token == nil { token = try await mintToken(for: host, team: run.team) }
                        command = command.replacingOccurrences(of: Self.enrolmentTokenPlaceholder, with: token!)
                    }
                    let runID = run.id
                    let team = run.team
                    let status = try await session.run(command, timeout: configuration.commandTimeout) { chunk in
                        let text: String
                        var channel = "stdout"
                        switch chunk {
                        case .standardOutput(let bytes): text = String(decoding: bytes, as: UTF8.self)
                        case .standardError(let bytes):
                            text = String(decoding: bytes, as: UTF8.self)
                            channel = "stderr"
                        }
                        output.append(text)
                        var e = BootstrapEvent(runID: runID, teamID: team, kind: .output)
                        e.host = host.name
                        e.step = seq
                        e.label = channel
                        e.text = text
                        sink.yield(e)
                    }
                    exitCode = status.code
                    if status.code != 0 || status.signal != nil {
                        failure = "\(step.origin): RUN exited with \(status)"
                    }
                case .upload(let source, let destination, let mode):
                    let local = try await localFile(for: source, host: host.name, team: run.team, workspace: workspace)
                    let bytes = try await session.upload(file: local, to: destination, mode: Int(mode ?? 0o644))
                    output.append("uploaded \(bytes) bytes to \(destination)\n")
                case .download(let remote, let localName):
                    let path = workspace.directory + "/get-\(position)-\(UUID().uuidString.prefix(8))"
                    let size = try await session.download(remote, toFile: path, maxBytes: Int64(configuration.maxGetBytes))
                    let digest = try digestOfFile(path)
                    _ = try await artifacts.store(team: run.team, digest: digest, body: FileChunks(path: path), limit: Int64(configuration.maxGetBytes))
                    try await repository.recordFile(run: run.id, host: host.name, localName: localName, remotePath: remote, digest: digest, size: size)
                    workspace.recordFetched(localName, host: host.name, role: host.role, path: path)
                    output.append("fetched \(remote) (\(size) bytes, sha256 \(digest.prefix(12))) as \(localName)\n")
                }
            } catch {
                failure = "\(step.origin): \(error)"
            }
            sink.finish()
            await streamer.value
            let succeeded = failure == nil
            try await repository.stepFinished(run: run.id, position: position, seq: seq, succeeded: succeeded, exitCode: exitCode, output: output.text)
            var done = BootstrapEvent(runID: run.id, teamID: run.team, kind: .stepFinished)
            done.host = host.name
            done.step = seq
            done.label = step.label
            done.status = (succeeded ? BootstrapStepStatus.succeeded : .failed).rawValue
            done.exitCode = exitCode
            done.text = failure
            await publish(done, confirmed: true)
            if let failure { throw HostFailure(description: "step \(seq + 1) failed: \(failure)") }
        }
    }

    /// A fresh one-time enrolment token for the host's node (a new node, or a re-enrolment of
    /// an existing one of the same team).
    func mintToken(for host: BootstrapHost, team: TeamID) async throws -> String {
        guard let name = try? NodeName(validating: host.name) else {
            throw HostFailure(description: "'\(host.name)' is not a valid node name for enrolment; give the target a 'name'")
        }
        let token = Tokens.generate(prefix: "cxe_")
        try await nodes.issueEnrolmentToken(
            team: team, name: name, tokenHash: Tokens.hash(token), expiresAt: Date().addingTimeInterval(configuration.enrolmentTTL.seconds)
        )
        return token
    }

    /// A local file with the upload's content: an artifact (materialised once per run) or a
    /// file fetched earlier in the run.
    func localFile(for source: BootstrapSource, host: String, team: TeamID, workspace: Workspace) async throws -> String {
        switch source {
        case .path(let path):
            throw HostFailure(description: "\(path) was not uploaded as an artifact")
        case .fetched(let localName):
            guard let path = workspace.fetchedPath(localName, host: host) else { throw HostFailure(description: "no earlier GET brought back \(localName)") }
            return path
        case .artifact(let digest, _):
            let artifacts = self.artifacts
            return try await workspace.artifact(digest) {
                let path = workspace.directory + "/artifact-\(digest)"
                let temporary = path + ".part"
                guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
                    let handle = FileHandle(forWritingAtPath: temporary)
                else { throw HostFailure(description: "cannot write \(temporary)") }
                var hasher = SHA256Hasher()
                do {
                    for try await chunk in artifacts.content(team: team, digest: digest) {
                        hasher.update(chunk.readableBytesView)
                        try handle.write(contentsOf: Data(chunk.readableBytesView))
                    }
                    try handle.close()
                } catch {
                    try? handle.close()
                    throw error
                }
                guard hasher.finalizeHex() == digest else { throw HostFailure(description: "artifact \(digest) is incomplete or corrupt in the store") }
                guard rename(temporary, path) == 0 else {
                    throw HostFailure(description: "cannot move \(temporary) into place: \(String(cString: strerror(errno)))")
                }
                return path
            }
        }
    }

    func digestOfFile(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw HostFailure(description: "cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.finalizeHex()
    }

    func publish(_ event: BootstrapEvent, confirmed: Bool = false) async {
        do {
            let message = try OutgoingMessage(
                event, exchange: Topology.events, routingKey: Topology.RoutingKey.bootstrap(event.kind), correlationID: "\(event.runID)")
            if confirmed { try await publisher.publish([message]) } else { try await publisher.publishUnconfirmed(message) }
        } catch {
            logger.warning("bootstrap event not published", metadata: ["error": "\(error)"])
        }
    }
}

/// Collects a step's output up to a limit (the rest is counted, not kept).
final class OutputCollector: Sendable {
    private let state = Mutex<(text: String, dropped: Int)>(("", 0))
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ text: String) {
        state.withLock { s in
            if s.text.utf8.count + text.utf8.count <= limit { s.text += text } else { s.dropped += text.utf8.count }
        }
    }

    var text: String {
        state.withLock { s in s.dropped > 0 ? s.text + "\n[\(s.dropped) more bytes of output not kept]\n" : s.text }
    }
}

/// A file read in 1 MiB chunks, as an async sequence of buffers.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?

        mutating func next() async throws -> ByteBuffer? {
            guard let handle, let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else {
                try? handle?.close()
                return nil
            }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: FileHandle(forReadingAtPath: path)) }
}
