import CoxswainCore
import CoxswainCrypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Why an artifact upload was refused.
package enum ArtifactError: Error, CustomStringConvertible, Equatable {
    /// The content's SHA-256 is not the digest it was uploaded under.
    case digestMismatch(expected: String, actual: String)
    /// The content is larger than the configured limit.
    case tooLarge(limit: Int64)

    package var description: String {
        switch self {
        case .digestMismatch(let expected, let actual): "content has SHA-256 \(actual), not \(expected)"
        case .tooLarge(let limit): "artifact exceeds \(limit) bytes"
        }
    }
}

/// Content-addressed artifacts (ADD/COPY sources, bootstrap uploads), per team, stored in 1 MiB
/// chunks so that any Gateway replica serves them. An artifact is visible once `complete`.
package struct ArtifactRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    package static let chunkSize = 1 << 20

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The complete artifact with this digest, if the team has one.
    package func info(team: TeamID, digest: String) async throws -> ArtifactInfo? {
        let rows = try await client.guardedQuery(
            "SELECT size FROM artifacts WHERE team_id = \(team.uuid) AND digest = \(digest) AND complete", logger: logger
        )
        for try await size in rows.decode(Int64.self) { return ArtifactInfo(digest: digest, size: size) }
        return nil
    }

    /// Stores `body` under `digest` unless the team already has it; the content must hash to
    /// `digest` (else nothing is kept). Idempotent and safe to race: chunks are rewritten whole.
    package func store<Body: AsyncSequence>(team: TeamID, digest: String, body: Body, limit: Int64) async throws -> ArtifactInfo
    where Body.Element == ByteBuffer {
        if let existing = try await info(team: team, digest: digest) { return existing }
        try await client.guardedQuery(
            "INSERT INTO artifacts (team_id, digest, size) VALUES (\(team.uuid), \(digest), 0) ON CONFLICT DO NOTHING", logger: logger
        )
        var hasher = SHA256Hasher()
        var pending = ByteBuffer()
        var n = 0
        var size: Int64 = 0
        func flush(_ all: Bool) async throws {
            while pending.readableBytes >= Self.chunkSize || (all && pending.readableBytes > 0) {
                let chunk = pending.readSlice(length: min(Self.chunkSize, pending.readableBytes))!
                try await client.guardedQuery(
                    """
                    INSERT INTO artifact_chunks (team_id, digest, n, data) VALUES (\(team.uuid), \(digest), \(n), \(chunk))
                    ON CONFLICT (team_id, digest, n) DO UPDATE SET data = excluded.data
                    """,
                    logger: logger
                )
                n += 1
            }
            pending.discardReadBytes()
        }
        for try await var piece in body {
            size += Int64(piece.readableBytes)
            guard size <= limit else {
                try await discard(team: team, digest: digest)
                throw ArtifactError.tooLarge(limit: limit)
            }
            hasher.update(piece.readableBytesView)
            pending.writeBuffer(&piece)
            try await flush(false)
        }
        try await flush(true)
        let actual = hasher.finalizeHex()
        guard actual == digest else {
            try await discard(team: team, digest: digest)
            throw ArtifactError.digestMismatch(expected: digest, actual: actual)
        }
        try await client.transaction(logger: logger) { conn in
            try await conn.guardedQuery("DELETE FROM artifact_chunks WHERE team_id = \(team.uuid) AND digest = \(digest) AND n >= \(n)", logger: logger)
            try await conn.guardedQuery(
                "UPDATE artifacts SET size = \(size), complete = true WHERE team_id = \(team.uuid) AND digest = \(digest)", logger: logger
            )
        }
        return ArtifactInfo(digest: digest, size: size)
    }

    func discard(team: TeamID, digest: String) async throws {
        try await client.guardedQuery("DELETE FROM artifacts WHERE team_id = \(team.uuid) AND digest = \(digest) AND NOT complete", logger: logger)
    }

    /// The content, one chunk at a time (read lazily, so a large artifact is never held whole).
    package func content(team: TeamID, digest: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let client = self.client
        let logger = self.logger
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var n = 0
                    while true {
                        var chunk: ByteBuffer?
                        let rows = try await client.guardedQuery(
                            "SELECT data FROM artifact_chunks WHERE team_id = \(team.uuid) AND digest = \(digest) AND n = \(n)", logger: logger
                        )
                        for try await data in rows.decode(ByteBuffer.self) { chunk = data }
                        guard let chunk else { break }
                        continuation.yield(chunk)
                        n += 1
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The team of a node's pending task that needs `digest`, when there is one: an agent may
    /// fetch only the artifacts of tasks sent to it and not yet finished.
    package func teamOfPendingTask(node: String, task: TaskID, digest: String) async throws -> TeamID? {
        let rows = try await client.guardedQuery(
            """
            SELECT j.team_id FROM tasks t JOIN jobs j ON j.id = t.job_id
            WHERE t.id = \(task.rawValue) AND t.node = \(node) AND t.status = \(TaskStatus.pending.rawValue) AND \(digest) = ANY(t.artifact_digests)
            """,
            logger: logger
        )
        for try await team in rows.decode(UUID.self) { return TeamID(team.uuidString.lowercased()) }
        return nil
    }
}
