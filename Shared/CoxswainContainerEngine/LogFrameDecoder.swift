/// Which output of a container a log line came from.
package enum ContainerLogStream: String, Sendable, Equatable {
    /// Standard output (and everything of a TTY container).
    case stdout
    /// Standard error.
    case stderr
    /// Standard input echoed back (only on attach; logs never carry it).
    case stdin
}

/// One piece of container output: the text of one frame (usually one line, with its newline).
package struct ContainerLogChunk: Sendable, Equatable {
    /// The output it came from.
    package let stream: ContainerLogStream
    /// The text (invalid UTF-8 replaced with U+FFFD).
    package let text: String

    /// A chunk of `stream` with `text`.
    package init(stream: ContainerLogStream, text: String) {
        self.stream = stream
        self.text = text
    }
}

/// Incremental decoder of the Docker multiplexed stream (logs, attach and exec of containers
/// without a TTY): frames of an 8-byte header (`[stream, 0, 0, 0, size as UInt32 big-endian]`)
/// and `size` bytes of payload. Bytes may arrive split anywhere; feed them with ``push(_:)`` and
/// call ``finish()`` at the end.
///
/// Memory stays bounded whatever a header claims: a payload longer than
/// ``maximumChunkBytes`` is delivered in several chunks.
package struct LogFrameDecoder: Sendable {
    /// Largest chunk handed out at once (1 MiB).
    package static let maximumChunkBytes = 1 << 20

    private var header: [UInt8] = []
    private var remaining = 0
    private var stream: ContainerLogStream = .stdout
    private var payload: [UInt8] = []
    private let rawMode: Bool

    /// A decoder of the multiplexed framing, or (`raw: true`, TTY containers) of plain output
    /// that is all reported as stdout.
    package init(raw: Bool = false) {
        self.rawMode = raw
    }

    /// Decodes `bytes`, returning every chunk completed by them.
    package mutating func push<Bytes: Sequence>(_ bytes: Bytes) throws(ContainerEngineError) -> [ContainerLogChunk] where Bytes.Element == UInt8 {
        if rawMode {
            let data = Array(bytes)
            return data.isEmpty ? [] : [ContainerLogChunk(stream: .stdout, text: String(decoding: data, as: UTF8.self))]
        }
        var chunks: [ContainerLogChunk] = []
        for byte in bytes {
            if remaining == 0 {
                header.append(byte)
                guard header.count == 8 else { continue }
                stream = try Self.stream(header[0])
                remaining = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
                header.removeAll(keepingCapacity: true)
                continue
            }
            payload.append(byte)
            remaining -= 1
            if remaining == 0 || payload.count >= Self.maximumChunkBytes {
                chunks.append(ContainerLogChunk(stream: stream, text: String(decoding: payload, as: UTF8.self)))
                payload.removeAll(keepingCapacity: true)
            }
        }
        return chunks
    }

    /// Ends the stream: returns what is left of a cut-off frame, or throws when the stream
    /// stopped inside a frame header.
    package mutating func finish() throws(ContainerEngineError) -> [ContainerLogChunk] {
        defer {
            header.removeAll()
            payload.removeAll()
            remaining = 0
        }
        if !header.isEmpty {
            throw .invalidResponse(operation: "log stream", reason: "stream ended inside a frame header (\(header.count) of 8 bytes)")
        }
        guard !payload.isEmpty else { return [] }
        return [ContainerLogChunk(stream: stream, text: String(decoding: payload, as: UTF8.self))]
    }

    private static func stream(_ byte: UInt8) throws(ContainerEngineError) -> ContainerLogStream {
        switch byte {
        case 0: .stdin
        case 1: .stdout
        case 2: .stderr
        default: throw .invalidResponse(operation: "log stream", reason: "unknown stream type \(byte) in a frame header")
        }
    }
}
