import Logging
import Synchronization

/// An authenticated SSH connection to one host (libssh2 1.10): run commands and copy files
/// with SCP.
///
/// Each session runs on its own serial dispatch queue (its actor executor), so the blocking
/// libssh2 calls never occupy Swift's cooperative thread pool; many sessions can run in
/// parallel. Calls on one session run one after another.
///
/// ```swift
/// let session = try await SSHSession.connect(to: target, privateKey: key, logger: logger) { hostKey in
///     try knownHosts.verify(host: target.host, port: target.port, key: hostKey)
/// }
/// let status = try await session.run("systemctl is-active sshd", timeout: .seconds(30)) { chunk in … }
/// await session.close()
/// ```
package actor SSHSession {
    /// Where the session is connected, and as whom.
    package nonisolated let target: SSHTarget
    /// The settings it was opened with.
    package nonisolated let configuration: SSHConfiguration

    private let executor: SessionExecutor
    let logger: Logger
    /// `nil` before authentication completes and after ``close()``.
    var connection: LibSSH2Connection?
    /// The server's host key, as verified during ``connect(to:privateKey:configuration:logger:verifyHostKey:)``.
    package private(set) var hostKey: SSHHostKey?

    /// Runs the actor on the session's own queue.
    package nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(target: SSHTarget, configuration: SSHConfiguration, logger: Logger) {
        self.target = target
        var configuration = configuration
        configuration.chunkSize = max(4096, configuration.chunkSize)
        self.configuration = configuration
        self.executor = SessionExecutor(label: "coxswain.ssh \(target)")
        var logger = logger
        logger[metadataKey: SSHLogMetadata.host] = "\(target.host)"
        logger[metadataKey: SSHLogMetadata.port] = "\(target.port)"
        logger[metadataKey: SSHLogMetadata.user] = "\(target.username)"
        self.logger = logger
    }

    /// Connects to `target` and authenticates with `privateKey`.
    ///
    /// Order: TCP connect (``SSHConfiguration/connectTimeout`` per address), SSH handshake with
    /// the configured host key preference, then `verifyHostKey` with the server's key, **before**
    /// any authentication: if it throws, the connection is dropped and the error (an
    /// ``SSHError`` as is; any other error as ``SSHError/hostKeyRefused(host:port:fingerprint:expected:reason:)``)
    /// is thrown. Then public-key authentication. Handshake and authentication together are
    /// limited by ``SSHConfiguration/handshakeTimeout``.
    package static func connect(
        to target: SSHTarget,
        privateKey: SSHPrivateKey,
        configuration: SSHConfiguration = SSHConfiguration(),
        logger: Logger,
        verifyHostKey: @Sendable (SSHHostKey) async throws -> Void
    ) async throws(SSHError) -> SSHSession {
        let session = SSHSession(target: target, configuration: configuration, logger: logger)
        try await session.establish(privateKey: privateKey, verifyHostKey: verifyHostKey)
        return session
    }

    private func establish(privateKey: SSHPrivateKey, verifyHostKey: @Sendable (SSHHostKey) async throws -> Void) async throws(SSHError) {
        let started = ContinuousClock.now
        let host = target.host
        let port = target.port
        guard (1...65535).contains(port) else { throw .connectFailed(host: host, port: port, reason: "invalid port") }

        let socket: Int32
        do {
            socket = try TCPConnector.connect(host: host, port: port, timeout: configuration.connectTimeout)
        } catch .cancelled {
            throw .cancelled
        } catch {
            throw .connectFailed(host: host, port: port, reason: error.reason)
        }

        let connection: LibSSH2Connection
        let limits = LibSSH2Connection.Limits(overall: .now + configuration.handshakeTimeout, idle: nil)
        do {
            connection = try LibSSH2Connection(socket: socket, chunkSize: configuration.chunkSize)
            let algorithms = try connection.setHostKeyPreference(configuration.hostKeyAlgorithms)
            logger.trace("SSH host key preference", metadata: [SSHLogMetadata.hostKeyAlgorithm: "\(algorithms.joined(separator: ","))"])
            try connection.handshake(limits)
        } catch {
            throw map(error, operation: "handshake with \(host):\(port)", timeout: configuration.handshakeTimeout) {
                .handshakeFailed(host: host, port: port, reason: $0)
            }
        }

        guard let blob = connection.hostKeyBlob(), let key = SSHHostKey(blob: blob) else {
            throw .handshakeFailed(host: host, port: port, reason: "the server sent no usable host key")
        }
        var logger = logger
        logger[metadataKey: SSHLogMetadata.fingerprint] = "\(key.fingerprint)"
        logger[metadataKey: SSHLogMetadata.hostKeyAlgorithm] = "\(connection.negotiatedHostKeyAlgorithm())"
        do {
            try await verifyHostKey(key)
        } catch let error as SSHError {
            logger.warning("SSH host key refused", metadata: [SSHLogMetadata.error: "\(error)"])
            throw error
        } catch {
            logger.warning("SSH host key refused", metadata: [SSHLogMetadata.error: "\(error)"])
            throw .hostKeyRefused(host: host, port: port, fingerprint: key.fingerprint, expected: [], reason: "\(error)")
        }
        if Task.isCancelled { throw .cancelled }

        let user = target.username
        var methods: [String] = []
        do throws(LibSSH2Failure) {
            methods = try connection.authenticationMethods(user: user, limits)
            if !methods.isEmpty {
                guard methods.contains("publickey") else {
                    throw LibSSH2Failure.library(code: -1, message: "the server does not offer publickey authentication")
                }
                try connection.authenticate(user: user, privateKey: privateKey.pem, passphrase: privateKey.passphrase, limits)
            }
        } catch {
            logger.warning("SSH authentication failed", metadata: [SSHLogMetadata.error: "\(error.reason)"])
            switch error {
            case .library(-16, let message), .library(-48, let message):
                // LIBSSH2_ERROR_FILE, LIBSSH2_ERROR_KEYFILE_AUTH_FAILED: the key did not parse or decrypt.
                throw .invalidPrivateKey(reason: message.isEmpty ? "libssh2 could not read the key" : message)
            case .library(-18, _), .library(-19, _):
                // LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED.
                throw .authenticationFailed(user: user, host: host, allowedMethods: methods, reason: "the server refused the key")
            default:
                throw map(error, operation: "authentication to \(host):\(port)", timeout: configuration.handshakeTimeout) {
                    .authenticationFailed(user: user, host: host, allowedMethods: methods, reason: $0)
                }
            }
        }
        self.connection = connection
        self.hostKey = key
        logger.debug(
            "SSH session established",
            metadata: [SSHLogMetadata.milliseconds: "\(started.duration(to: .now).roundedUpMilliseconds)"])
    }

    /// Runs `command` (with the user's login shell, as `ssh host command` does), passing its
    /// standard output and standard error to `output` chunk by chunk as they arrive (on the
    /// session's queue: keep `output` short), and returns its exit status.
    ///
    /// After `timeout` (or when the task is cancelled) the channel is closed and
    /// ``SSHError/timeout(operation:after:)`` (``SSHError/cancelled``) is thrown at once. The
    /// remote process is not killed: libssh2 1.10 cannot send signals, and sshd closes the
    /// channel only when the process ends (it dies of SIGPIPE if it writes output), so make long
    /// commands time-limited themselves (`timeout 60 …`). The session stays usable; the channel
    /// is freed once the process has ended.
    package func run(
        _ command: String, timeout: Duration, output: @Sendable (SSHOutputChunk) -> Void
    ) async throws(SSHError) -> SSHExitStatus {
        let connection = try usableConnection()
        do {
            let status = try execute(command, on: connection, timeout: timeout, output: output)
            logger.debug("SSH command finished", metadata: [SSHLogMetadata.exitStatus: "\(status)"])
            return status
        } catch {
            throw map(error, operation: "command", timeout: timeout) { .channelFailed(reason: $0) }
        }
    }

    /// Runs `command` and collects its output, keeping at most `outputLimit` bytes of each
    /// stream (the rest is read and dropped; ``SSHCommandResult/truncated`` tells).
    package func run(_ command: String, timeout: Duration, outputLimit: Int = 1 << 20) async throws(SSHError) -> SSHCommandResult {
        var result = SSHCommandResult(status: SSHExitStatus(code: 0), standardOutput: [], standardError: [], truncated: false)
        let collected = Mutex(result)
        let status = try await run(command, timeout: timeout) { chunk in
            collected.withLock { $0.append(chunk, limit: outputLimit) }
        }
        result = collected.withLock { $0 }
        result.status = status
        return result
    }

    /// Disconnects (politely, within 2 s) and frees the libssh2 session. Later calls throw
    /// ``SSHError/sessionClosed``. Calling it again does nothing.
    package func close() {
        guard let connection else { return }
        self.connection = nil
        connection.disconnect(LibSSH2Connection.Limits(overall: .now + .seconds(2), idle: nil))
        logger.debug("SSH session closed")
    }

    /// Runs `command` on a new channel until it exits or `timeout` passes, reading standard
    /// output and standard error as they come (neither can fill up and stall the other).
    func execute(
        _ command: String, on connection: LibSSH2Connection, timeout: Duration, output: (SSHOutputChunk) -> Void
    ) throws(LibSSH2Failure) -> SSHExitStatus {
        let limits = LibSSH2Connection.Limits(overall: .now + timeout, idle: nil)
        let channel = try connection.exec(command, limits)
        do {
            while true {
                var progressed = false
                var ended = 0
                for standardError in [false, true] {
                    switch try connection.read(channel, standardError: standardError) {
                    case .data(let bytes):
                        output(standardError ? .standardError(bytes) : .standardOutput(bytes))
                        progressed = true
                    case .end:
                        ended += 1
                    case .wouldBlock:
                        break
                    }
                }
                if ended == 2 { break }
                if !progressed { try connection.waitForSocket(limits) }
            }
            try connection.close(channel, limits)
        } catch {
            abandon(channel)
            throw error
        }
        let status = connection.exitStatus(channel)
        connection.free(channel)
        return status
    }

    /// The connection, or ``SSHError/sessionClosed`` if it was closed or broke. Frees channels
    /// abandoned earlier whose remote side has finished meanwhile.
    func usableConnection() throws(SSHError) -> LibSSH2Connection {
        guard let connection else { throw .sessionClosed }
        connection.reapAbandonedChannels()
        guard !connection.isBroken else {
            logger.warning("SSH connection dropped: its transport is in an unknown state")
            self.connection = nil
            throw .sessionClosed
        }
        return connection
    }

    /// Gives up a channel after a failure, timeout or cancellation (see
    /// ``LibSSH2Connection/abandon(_:grace:)``); drops the connection if that left it unusable.
    func abandon(_ channel: LibSSH2Connection.Channel) {
        guard let connection else { return }
        connection.abandon(channel)
        if connection.isBroken {
            logger.warning("SSH connection dropped after an abandoned channel")
            self.connection = nil
        }
    }

    /// Turns a low-level failure into an ``SSHError``: timeouts and cancellation keep their
    /// meaning, anything else goes through `other`.
    func map(
        _ failure: LibSSH2Failure, operation: String, timeout: Duration, _ other: (String) -> SSHError
    ) -> SSHError {
        switch failure {
        case .timedOut(let idle):
            .timeout(operation: idle ? "\(operation) (no progress)" : operation, after: idle ? configuration.idleTimeout : timeout)
        case .cancelled:
            .cancelled
        case .library, .system:
            other(failure.reason)
        }
    }
}
