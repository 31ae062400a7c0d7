/// A finished command with its collected output (``SSHSession/run(_:timeout:outputLimit:)``).
package struct SSHCommandResult: Sendable, Equatable {
    /// How the command ended.
    package var status: SSHExitStatus
    /// Standard output, at most the requested limit (the rest was dropped).
    package var standardOutput: [UInt8]
    /// Standard error, at most the requested limit (the rest was dropped).
    package var standardError: [UInt8]
    /// `true` if some output was dropped because of the limit.
    package var truncated: Bool

    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    package var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    package var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}

extension SSHCommandResult {
    /// Appends `chunk` to its stream, keeping at most `limit` bytes per stream.
    mutating func append(_ chunk: SSHOutputChunk, limit: Int) {
        switch chunk {
        case .standardOutput(let bytes):
            truncated = Self.append(bytes, to: &standardOutput, limit: limit) || truncated
        case .standardError(let bytes):
            truncated = Self.append(bytes, to: &standardError, limit: limit) || truncated
        }
    }

    /// Appends what fits; `true` if something was dropped.
    private static func append(_ bytes: [UInt8], to buffer: inout [UInt8], limit: Int) -> Bool {
        let room = max(0, limit - buffer.count)
        buffer += bytes.prefix(room)
        return bytes.count > room
    }
}
