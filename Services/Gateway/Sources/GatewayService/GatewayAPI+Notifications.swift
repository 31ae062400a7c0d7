import CoxswainCore
import CoxswainNotify
import CoxswainMessaging
import Foundation
import CoxswainStore
import Hummingbird
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Webhook subscriptions. URLs are secrets: stored sealed, shown as `scheme://host/…`, never logged
/// or audited in full.
extension GatewayAPI {
    static let webhookFormats = ["generic", "slack", "discord"]

    func addNotification(_ call: Call) async throws -> Response {
        let add: AddNotificationRequest
        switch try await body(AddNotificationRequest.self, from: call.request) {
        case .decoded(let a): add = a
        case .rejected(let r): return r
        }
        let format = add.format ?? "generic"
        guard Self.webhookFormats.contains(format) else { return Self.error(.badRequest, "invalid_format", "format must be generic, slack or discord") }
        guard let c = URLComponents(string: add.url), ["http", "https"].contains(c.scheme ?? ""), !(c.host ?? "").isEmpty, c.fragment == nil else {
            return Self.error(.badRequest, "invalid_url", "url: the webhook URL must be http(s)://host/… without a fragment")
        }
        if let refusal = await WebhookTargetCheck.refusal(for: add.url, allowPrivateTargets: configuration.allowPrivateTargets) {
            return Self.error(.badRequest, "invalid_url", "url: \(refusal)")
        }
        guard !add.events.isEmpty, add.events.allSatisfy({ !$0.isEmpty && $0.count < 100 }) else {
            return Self.error(.badRequest, "invalid_events", "name at least one event type, e.g. job.failed, node.offline, job.* or *")
        }
        let id = try await notifications.add(team: call.principal.teamID, url: add.url, format: format, events: add.events)
        await record(call.principal, action: "notification.add", target: "notification:\(id.uuidString.lowercased())", outcome: .success, requestID: call.requestID,
                     details: ["url": NotificationRepository.display(add.url), "events": add.events.joined(separator: ",")])
        return Self.json(
            NotificationInfo(id: id.uuidString.lowercased(), url: NotificationRepository.display(add.url), format: format, events: add.events, delivered: 0, pending: 0, failed: 0, lastError: nil),
            status: .created
        )
    }

    func removeNotification(_ call: Call) async throws -> Response {
        guard let raw = call.parameter("id"), let id = UUID(uuidString: raw), try await notifications.remove(team: call.principal.teamID, id: id) else {
            return Self.error(.notFound, "unknown_notification", "no such notification")
        }
        await record(call.principal, action: "notification.remove", target: "notification:\(raw)", outcome: .success, requestID: call.requestID)
        return Self.json(["status": "removed"])
    }

    /// Queues a test event for one subscription; the Audit service delivers it.
    func testNotification(_ call: Call) async throws -> Response {
        guard let raw = call.parameter("id"), let id = UUID(uuidString: raw),
            try await notifications.list(team: call.principal.teamID).contains(where: { $0.id == raw })
        else { return Self.error(.notFound, "unknown_notification", "no such notification") }
        let eventID = UUIDv4.string()
        let event: [String: String] = [
            "id": eventID, "team": call.principal.teamName, "type": "notification.test", "time": WireCoding.formatDate(Date()),
            "actor": call.principal.actor, "target": "notification:\(raw)", "summary": "Coxswain test notification from team \(call.principal.teamName)",
        ]
        var json = String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), as: UTF8.self)
        json.removeLast()
        json += ",\"details\":{}}"
        _ = try await notifications.enqueue([(call.principal.teamID, "notification.test", eventID, json)], onlySubscription: id)
        await record(call.principal, action: "notification.test", target: "notification:\(raw)", outcome: .success, requestID: call.requestID)
        return Self.json(["status": "queued", "event": eventID], status: .accepted)
    }
}

/// The Gateway's check of a webhook URL when a subscription is added: a port in 1...65535 and a
/// host that is, or resolves to, at least one address the policy allows (public ones, unless
/// `notifications.allow_private_targets`). A host that does not resolve (yet) is accepted: the
/// Audit service checks again before every attempt and connects only to the address it checked.
enum WebhookTargetCheck {
    /// How long the Gateway waits for the resolver before accepting the URL unchecked.
    static let resolveTimeout: Duration = .seconds(3)

    /// Why `url` is refused, or `nil`.
    static func refusal(for url: String, allowPrivateTargets: Bool) async -> String? {
        let parsed: WebhookURL
        do { parsed = try WebhookURL(url) } catch { return "\(error)" }
        var host = parsed.host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        switch await WebhookTargetPolicy(allowPrivateTargets: allowPrivateTargets).check(host: host, timeout: resolveTimeout) {
        case .success: return nil
        case .failure(let refusal): return refusal.isRetriable ? nil : refusal.description
        }
    }
}
