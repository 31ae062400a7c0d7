import Foundation
import Logging
import Synchronization

/// `log.format: json`: one JSON object per line on stderr, for log collectors (Loki, Elasticsearch,
/// journald's JSON export): `time` (RFC 3339 with milliseconds, UTC), `level`, `label`,
/// `message`, `source`, then every metadata key as a field of its own (`job.id`, `node.name`,
/// `amqp.queue`…, the dotted keys the services log with), so that a collector can filter on them.
/// A metadata key that collides with one of the five fixed fields is prefixed `meta.`.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    package var metadataProvider: Logger.MetadataProvider?
    let label: String
    /// Where each line goes (stderr in a service; a buffer in tests).
    let write: @Sendable (String) -> Void

    package init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields: [String: Any] = [:]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, provided in provided } }
        if let extra = event.metadata { merged.merge(extra) { _, extra in extra } }
        for (key, value) in merged { fields[key] = Self.json(value) }
        for key in Self.fixed where fields[key] != nil { fields["meta." + key] = fields.removeValue(forKey: key) }
        fields["time"] = Self.timestamp(Date())
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        fields["source"] = event.source
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// The fields every line has.
    static let fixed = ["time", "level", "label", "message", "source"]

    /// A metadata value as JSON: strings, arrays and dictionaries as themselves, anything else as
    /// its description.
    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): "\(convertible)"
        case .array(let array): array.map(json)
        case .dictionary(let dictionary): dictionary.mapValues(json)
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)) + "Z"
    }

    /// Writes whole lines to stderr, one at a time (lines from concurrent tasks never interleave).
    package static let standardError: @Sendable (String) -> Void = { line in
        lineLock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
    private static let lineLock = Mutex(())
}

/// `log.format`: `text` (the default: readable lines) or `json` (`JSONLogHandler`).
package enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}
