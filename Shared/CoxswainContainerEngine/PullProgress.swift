import Foundation

/// One line of the JSON progress stream of a pull or push (`{"status":"Downloading",…}`), or an
/// error line (`{"errorDetail":{"message":…},"error":…}`). Unknown fields are ignored; every
/// number is decoded as `Int64` (a fraction or an out-of-range value fails the line, never traps).
package struct PullProgress: Sendable, Equatable, Decodable {
    /// Human status (`Pulling fs layer`, `Download complete`, `Pushed`…).
    package let status: String?
    /// Layer or image ID the status is about.
    package let id: String?
    /// Progress bar text, if any.
    package let progress: String?
    /// Bytes done and total of the layer, if reported.
    package let progressDetail: Detail?
    /// Build-style output some engines use instead of `status`.
    package let stream: String?
    /// The error message of an error line.
    package let error: String?
    /// The structured error of an error line.
    package let errorDetail: ErrorDetail?

    /// Byte counts of a layer transfer.
    package struct Detail: Sendable, Equatable, Decodable {
        /// Bytes done.
        package let current: Int64?
        /// Bytes in all.
        package let total: Int64?
    }

    /// The structured error of an error line.
    package struct ErrorDetail: Sendable, Equatable, Decodable {
        /// Error code, when the engine gives one.
        package let code: Int64?
        /// Error message.
        package let message: String?
    }

    /// A progress line (for tests and for callers that build their own).
    package init(
        status: String? = nil, id: String? = nil, progress: String? = nil, progressDetail: Detail? = nil, stream: String? = nil,
        error: String? = nil, errorDetail: ErrorDetail? = nil
    ) {
        self.status = status
        self.id = id
        self.progress = progress
        self.progressDetail = progressDetail
        self.stream = stream
        self.error = error
        self.errorDetail = errorDetail
    }

    /// The error message if this is an error line.
    package var errorMessage: String? {
        if let message = errorDetail?.message, !message.isEmpty { return message }
        if let error, !error.isEmpty { return error }
        return nil
    }
}

/// Splits a byte stream into lines (`\n`, optional `\r`) and decodes each non-empty line as
/// JSON. Lines may arrive split across chunks; a line longer than ``maximumLineBytes`` is an error.
package struct JSONLineDecoder<Line: Decodable & Sendable>: Sendable {
    /// Longest line accepted (1 MiB).
    package static var maximumLineBytes: Int { 1 << 20 }

    private var buffer: [UInt8] = []
    private let operation: String

    /// A decoder for the answer of `operation` (named in errors).
    package init(operation: String) {
        self.operation = operation
    }

    /// Decodes every line completed by `bytes`.
    package mutating func push<Bytes: Sequence>(_ bytes: Bytes) throws(ContainerEngineError) -> [Line] where Bytes.Element == UInt8 {
        var lines: [Line] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let line = try decodeBuffered() { lines.append(line) }
                continue
            }
            buffer.append(byte)
            guard buffer.count <= Self.maximumLineBytes else {
                buffer.removeAll()
                throw .invalidResponse(operation: operation, reason: "a progress line is longer than \(Self.maximumLineBytes) bytes")
            }
        }
        return lines
    }

    /// Decodes the last line if the stream did not end with a newline.
    package mutating func finish() throws(ContainerEngineError) -> [Line] {
        try decodeBuffered().map { [$0] } ?? []
    }

    private mutating func decodeBuffered() throws(ContainerEngineError) -> Line? {
        defer { buffer.removeAll(keepingCapacity: true) }
        let trimmed = buffer.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }.reversed()
        guard !trimmed.isEmpty else { return nil }
        do {
            return try JSONDecoder().decode(Line.self, from: Data(trimmed))
        } catch {
            throw .invalidResponse(operation: operation, reason: "a progress line is not the expected JSON (\(error))")
        }
    }
}
