import Foundation
import Logging

/// SCP transfers (the remote side runs `scp -t` / `scp -f`, which every OpenSSH host has).
///
/// Uploads write exactly one file: no directory is created, so the parent must exist. The mode
/// applies when the file is created (minus the remote umask, as `scp` does); overwriting an
/// existing file keeps its mode. A failed upload can leave a partial file behind: upload to a
/// temporary name and `mv` it into place when that matters. Every wait is limited by
/// ``SSHConfiguration/idleTimeout``, and the whole transfer by `timeout` when given.
///
/// When SCP refuses a path, the error says why (missing directory, not writable, not readable,
/// a directory), found by a short shell check on the host.
extension SSHSession {
    /// Uploads the local file at `localPath` to `remotePath`, streaming it in chunks of
    /// ``SSHConfiguration/chunkSize`` (never loading it whole). Returns the bytes sent.
    @discardableResult
    package func upload(file localPath: String, to remotePath: String, mode: Int = 0o644, timeout: Duration? = nil) async throws(SSHError) -> Int64 {
        let size: Int64
        let handle: FileHandle
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: localPath)
            guard attributes[.type] as? FileAttributeType == .typeRegular, let bytes = attributes[.size] as? NSNumber else {
                throw SSHError.transferFailed(path: remotePath, reason: "local \(localPath) is not a regular file")
            }
            size = bytes.int64Value
            guard let opened = FileHandle(forReadingAtPath: localPath) else {
                throw SSHError.transferFailed(path: remotePath, reason: "cannot open local \(localPath)")
            }
            handle = opened
        } catch let error as SSHError {
            throw error
        } catch {
            throw .transferFailed(path: remotePath, reason: "cannot read local \(localPath): \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        let chunkSize = configuration.chunkSize
        try upload(to: remotePath, mode: mode, size: size, timeout: timeout) { () throws(SSHError) -> Data in
            do {
                return try handle.read(upToCount: chunkSize) ?? Data()
            } catch {
                throw .transferFailed(path: remotePath, reason: "reading local \(localPath) failed: \(error.localizedDescription)")
            }
        }
        return size
    }

    /// Uploads `bytes` to `remotePath`.
    package func upload(_ bytes: [UInt8], to remotePath: String, mode: Int = 0o644, timeout: Duration? = nil) async throws(SSHError) {
        var offset = 0
        let chunkSize = configuration.chunkSize
        try upload(to: remotePath, mode: mode, size: Int64(bytes.count), timeout: timeout) { () throws(SSHError) -> Data in
            let end = min(bytes.count, offset + chunkSize)
            defer { offset = end }
            return Data(bytes[offset..<end])
        }
    }

    /// Downloads `remotePath` into memory; fails without reading it if it is larger than
    /// `maxBytes`.
    package func download(_ remotePath: String, maxBytes: Int, timeout: Duration? = nil) async throws(SSHError) -> [UInt8] {
        var result: [UInt8] = []
        try download(remotePath, maxBytes: Int64(maxBytes), timeout: timeout) { (chunk: [UInt8]) throws(SSHError) in
            result += chunk
        } prepare: { size in
            result.reserveCapacity(Int(size))
        }
        return result
    }

    /// Downloads `remotePath` into the local file `localPath` (created or truncated), chunk by
    /// chunk; fails before reading if the remote file is larger than `maxBytes`. Returns the
    /// bytes written.
    @discardableResult
    package func download(_ remotePath: String, toFile localPath: String, maxBytes: Int64 = .max, timeout: Duration? = nil) async throws(SSHError) -> Int64 {
        var handle: FileHandle?
        defer { try? handle?.close() }
        var written: Int64 = 0
        try download(remotePath, maxBytes: maxBytes, timeout: timeout) { (chunk: [UInt8]) throws(SSHError) in
            do {
                try handle?.write(contentsOf: chunk)
                written += Int64(chunk.count)
            } catch {
                throw .transferFailed(path: remotePath, reason: "writing local \(localPath) failed: \(error.localizedDescription)")
            }
        } prepare: { _ throws(SSHError) in
            guard FileManager.default.createFile(atPath: localPath, contents: nil), let opened = FileHandle(forWritingAtPath: localPath) else {
                throw .transferFailed(path: remotePath, reason: "cannot create local \(localPath)")
            }
            handle = opened
        }
        return written
    }

    /// SCP upload of `size` bytes produced by `nextChunk` (an empty chunk means the source ended).
    private func upload(
        to remotePath: String, mode: Int, size: Int64, timeout: Duration?, nextChunk: () throws(SSHError) -> Data
    ) throws(SSHError) {
        guard (0...0o7777).contains(mode) else { throw .transferFailed(path: remotePath, reason: "invalid mode \(String(mode, radix: 8))") }
        let connection = try usableConnection()
        let started = ContinuousClock.now
        let limits = LibSSH2Connection.Limits(overall: timeout.map { .now + $0 }, idle: configuration.idleTimeout)
        let fail: (LibSSH2Failure) -> SSHError = { [self] in
            map($0, operation: "upload of \(remotePath)", timeout: timeout ?? configuration.idleTimeout) {
                .transferFailed(path: remotePath, reason: $0)
            }
        }
        let channel: LibSSH2Connection.Channel
        do {
            channel = try connection.scpSend(path: remotePath, mode: Int32(mode), size: size, limits)
        } catch {
            throw explained(error, as: fail(error), on: connection, script: Self.uploadProbe(remotePath))
        }
        var sent: Int64 = 0
        do throws(SSHError) {
            while sent < size {
                let chunk = try nextChunk()
                guard !chunk.isEmpty else {
                    throw SSHError.transferFailed(path: remotePath, reason: "the source ended after \(sent) of \(size) bytes")
                }
                let part = chunk.prefix(Int(min(Int64(chunk.count), size - sent)))
                do { try connection.write(channel, part, limits) } catch { throw fail(error) }
                sent += Int64(part.count)
            }
            do {
                // The SCP protocol ends a file with a zero status byte from the sender, which
                // libssh2 1.10 leaves to the caller: without it the remote scp reports a lost
                // connection and exits with 1 (the file is complete, but failures would hide).
                try connection.write(channel, [UInt8(0)], limits)
                try connection.sendEOF(channel, limits)
                try connection.waitEOF(channel, limits)
                try connection.close(channel, limits)
            } catch {
                throw fail(error)
            }
        } catch {
            abandon(channel)
            throw error
        }
        let status = connection.exitStatus(channel)
        let message = connection.pendingStandardError(channel)
        connection.free(channel)
        guard status.succeeded else {
            throw .transferFailed(path: remotePath, reason: "the remote scp ended with \(status)\(message.isEmpty ? "" : ": \(message)")")
        }
        logger.debug(
            "SCP upload finished",
            metadata: [
                SSHLogMetadata.remotePath: "\(remotePath)", SSHLogMetadata.bytes: "\(size)",
                SSHLogMetadata.milliseconds: "\(started.duration(to: .now).roundedUpMilliseconds)",
            ])
    }

    /// SCP download of `remotePath`: `prepare` gets the size once known, `consume` every chunk.
    private func download(
        _ remotePath: String, maxBytes: Int64, timeout: Duration?,
        consume: ([UInt8]) throws(SSHError) -> Void, prepare: (Int64) throws(SSHError) -> Void
    ) throws(SSHError) {
        let connection = try usableConnection()
        let started = ContinuousClock.now
        let limits = LibSSH2Connection.Limits(overall: timeout.map { .now + $0 }, idle: configuration.idleTimeout)
        let fail: (LibSSH2Failure) -> SSHError = { [self] in
            map($0, operation: "download of \(remotePath)", timeout: timeout ?? configuration.idleTimeout) {
                .transferFailed(path: remotePath, reason: $0)
            }
        }
        let channel: LibSSH2Connection.Channel
        let size: Int64
        do {
            (channel, size, _) = try connection.scpReceive(path: remotePath, limits)
        } catch {
            throw explained(error, as: fail(error), on: connection, script: Self.downloadProbe(remotePath))
        }
        var received: Int64 = 0
        do throws(SSHError) {
            guard size <= maxBytes else {
                throw SSHError.transferFailed(path: remotePath, reason: "the file has \(size) bytes, more than the limit of \(maxBytes)")
            }
            try prepare(size)
            while received < size {
                let maximum = Int(min(Int64(configuration.chunkSize), size - received))
                let chunk: [UInt8]
                do { chunk = try connection.readWaiting(channel, maximum: maximum, limits) } catch { throw fail(error) }
                guard !chunk.isEmpty else {
                    throw SSHError.transferFailed(path: remotePath, reason: "the connection ended after \(received) of \(size) bytes")
                }
                try consume(chunk)
                received += Int64(chunk.count)
            }
        } catch {
            abandon(channel)
            throw error
        }
        connection.free(channel)
        logger.debug(
            "SCP download finished",
            metadata: [
                SSHLogMetadata.remotePath: "\(remotePath)", SSHLogMetadata.bytes: "\(size)",
                SSHLogMetadata.milliseconds: "\(started.duration(to: .now).roundedUpMilliseconds)",
            ])
    }

    /// libssh2 1.10 drops the remote scp's own error text ("No such file or directory") and
    /// reports only "failed to send file" (LIBSSH2_ERROR_SCP_PROTOCOL, -28): when SCP refuses to
    /// start, a short shell check on the host says why, and its answer replaces the reason of
    /// `error`. Other failures, or a check that finds nothing, leave `error` as it is.
    private func explained(
        _ failure: LibSSH2Failure, as error: SSHError, on connection: LibSSH2Connection, script: String
    ) -> SSHError {
        guard case .library(-28, _) = failure, case .transferFailed(let path, _) = error, !connection.isBroken else {
            return error
        }
        var text: [UInt8] = []
        let status = try? execute(script, on: connection, timeout: .seconds(5)) { chunk in
            if case .standardOutput(let bytes) = chunk { text += bytes }
        }
        let hint = String(decoding: text.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard status != nil, !hint.isEmpty else { return error }
        return .transferFailed(path: path, reason: hint)
    }

    /// A POSIX shell check of why `path` cannot be written.
    private static func uploadProbe(_ path: String) -> String {
        """
        p=\(shellQuoted(path)); d=$(dirname -- "$p"); u=$(id -un)
        if [ ! -d "$d" ]; then echo "directory $d does not exist (upload creates no directories)"
        elif [ -d "$p" ]; then echo "$p is a directory"
        elif [ -e "$p" ] && [ ! -w "$p" ]; then echo "$p exists and is not writable by $u"
        elif [ ! -w "$d" ]; then echo "directory $d is not writable by $u"
        fi
        """
    }

    /// A POSIX shell check of why `path` cannot be read.
    private static func downloadProbe(_ path: String) -> String {
        """
        p=\(shellQuoted(path)); u=$(id -un)
        if [ ! -e "$p" ]; then echo "$p does not exist"
        elif [ -d "$p" ]; then echo "$p is a directory"
        elif [ ! -f "$p" ]; then echo "$p is not a regular file"
        elif [ ! -r "$p" ]; then echo "$p is not readable by $u"
        fi
        """
    }

    /// `text` in single quotes for a POSIX shell.
    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
