import Foundation
import NIOCore

/// A complete answer of a registry or listing API (body read up to the client's bound).
struct RegistryResponse: Sendable {
    /// HTTP status.
    let status: Int
    /// Response headers in order.
    let headers: [(name: String, value: String)]
    /// The body.
    let body: ByteBuffer
    /// The URL that answered (after redirects the client followed itself).
    let url: String

    /// Every value of header `name` (case-insensitive).
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The first value of header `name`.
    func value(_ name: String) -> String? { values(name).first }

    /// The body as `Data`.
    var data: Data { Data(body.readableBytesView) }

    /// `Retry-After` in seconds (delta-seconds or an HTTP date), clamped to 0…86400; nil when absent or unreadable.
    var retryAfterSeconds: Int? {
        guard let text = value("Retry-After")?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.utf8.count <= 12, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return min(Int(text) ?? 86400, 86400)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        let seconds = date.timeIntervalSinceNow.rounded(.up)
        guard seconds.isFinite else { return nil }
        return Int(max(0, min(seconds, 86400)))
    }

    /// The error codes of a Distribution error body (`{"errors":[{"code":"NAME_UNKNOWN",…}]}`).
    var errorCodes: [String] {
        (try? JSONDecoder().decode(DistributionErrors.self, from: data))?.errors?.compactMap(\.code) ?? []
    }

    /// The registry's own words about a failure: the first Distribution error's message, an API's
    /// `message` or `detail`, or the start of a plain-text body; at most 300 characters, one line.
    var registryMessage: String? {
        let message: String?
        if let errors = try? JSONDecoder().decode(DistributionErrors.self, from: data), let first = errors.errors?.first {
            message = [first.code, first.message].compactMap { $0 }.joined(separator: ": ")
        } else if let api = try? JSONDecoder().decode(APIMessage.self, from: data), let text = api.message ?? api.detail ?? api.error {
            message = text
        } else if value("Content-Type")?.lowercased().hasPrefix("text/plain") ?? false {
            message = String(decoding: body.readableBytesView.prefix(300), as: UTF8.self)
        } else {
            message = nil
        }
        guard let message else { return nil }
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? nil : String(line.prefix(300))
    }

    private struct DistributionErrors: Decodable {
        struct Entry: Decodable {
            var code: String?
            var message: String?
        }
        var errors: [Entry]?
    }

    private struct APIMessage: Decodable {
        var message: String?
        var detail: String?
        var error: String?
    }
}
