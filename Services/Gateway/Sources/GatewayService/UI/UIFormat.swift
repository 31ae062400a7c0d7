import CoxswainCore
import Foundation

/// How the pages show times and states.
enum UIFormat {
    /// `date` relative to `now`: "just now", "5 min ago", "3 h ago", "2 days ago", or "in 4 min".
    static func relative(_ date: Date, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date).rounded())
        let magnitude = abs(seconds)
        let words: String
        switch magnitude {
        case ..<10: return "just now"
        case ..<60: words = "\(magnitude) s"
        case ..<3600: words = "\(magnitude / 60) min"
        case ..<86400: words = "\(magnitude / 3600) h"
        default:
            let days = magnitude / 86400
            words = days == 1 ? "1 day" : "\(days) days"
        }
        return seconds >= 0 ? "\(words) ago" : "in \(words)"
    }

    /// The absolute time shown on hover: `2026-12-03 23:40:12 UTC`.
    static func absolute(_ date: Date) -> String {
        date.formatted(absoluteStyle) + " UTC"
    }

    /// One style for every row (a formatter per call cost one per table row).
    private static let absoluteStyle = Date.ISO8601FormatStyle(dateTimeSeparator: .space, timeZone: .gmt).year().month().day()
        .time(includingFractionalSeconds: false)

    /// The CSS class of a state word (the word itself is always shown too).
    static func tone(_ status: String) -> String {
        switch status {
        case "online", "succeeded", "successful", "success", "intact": "ok"
        case "offline", "failed", "failure", "denied", "broken", "timed_out", "cancelled": "bad"
        case "dispatched", "running", "in_progress", "preparing", "submitted", "pending", "started", "rebooting": "busy"
        default: "neutral"
        }
    }
}

/// A time as a page shows it: relative, with the absolute time in a `title`.
struct UITime: Sendable {
    var relative: String
    var absolute: String
    var iso: String

    init(_ date: Date, now: Date) {
        relative = UIFormat.relative(date, now: now)
        absolute = UIFormat.absolute(date)
        iso = WireCoding.formatDate(date)
    }
}

/// A state word with its colour class.
struct UIStatus: Sendable {
    var text: String
    var tone: String

    init(_ text: String) {
        self.text = text.replacingOccurrences(of: "_", with: " ")
        tone = UIFormat.tone(text)
    }
}
