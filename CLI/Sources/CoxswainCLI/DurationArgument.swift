import ArgumentParser
import CoxswainConfig
import CoxswainCore
import Foundation

/// A duration flag, written as in the configuration: seconds (`90`, `2.5`) or with a unit
/// (`500ms`, `90s`, `5m`, `2h`, `1d`). Negative, non-finite or absurd values are refused
/// (a usage error, exit 64).
package struct DurationArgument: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    /// The duration in seconds.
    package var seconds: Double

    /// Parses `argument`; nil when it is not a duration.
    package init?(argument: String) {
        var text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasSuffix("w"), let weeks = Double(text.dropLast()) { text = "\(weeks * 7)d" }
        guard let duration = ConfigReaderStack.parseDuration(text) else { return nil }
        seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A duration of `seconds`.
    package init(seconds: Double) { self.seconds = seconds }

    /// `90s`-style text for help and messages.
    package var description: String { seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s" }
}

/// A point in time on the command line: an ISO-8601 date or time (`2026-12-01`,
/// `2026-12-01T10:00:00Z`), or a duration meaning that long ago (`24h`, `7d`, `3600`).
package struct TimeArgument: ExpressibleByArgument, Sendable, Equatable {
    /// The moment meant.
    package var date: Date

    /// Parses `argument` relative to now.
    package init?(argument: String) { self.init(argument: argument, now: Date()) }

    /// Parses `argument`; a duration counts back from `now`.
    package init?(argument: String, now: Date) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        if let ago = DurationArgument(argument: text) {
            date = now.addingTimeInterval(-ago.seconds)
            return
        }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime], [.withFullDate],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let parsed = formatter.date(from: text) {
                date = parsed
                return
            }
        }
        return nil
    }

    /// The time as the API takes it (ISO 8601, UTC).
    package var iso8601: String { WireCoding.formatDate(date) }
}
