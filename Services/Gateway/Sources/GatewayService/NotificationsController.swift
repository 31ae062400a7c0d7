import CoxswainCore
import CoxswainMessaging
import CoxswainStore
import Foundation
import Hummingbird

/// Webhook subscriptions. URLs are secrets: stored sealed, shown as `scheme://host/…`, never logged
/// or audited in full.
struct NotificationsController: Sendable {
    static let webhookFormats = ["generic", "slack", "discord"]

    let notifications: NotificationRepository
    /// `notifications.allow_private_targets`: accept webhook hosts on internal addresses.
    let allowPrivateTargets: Bool
    let body: RequestBody
    let recorder: ActionRecorder

    /// `POST /v1/notifications`.
    func add(_ call: Call) async throws -> Response {
        let add = try await body.decode(AddNotificationRequest.self, from: call.request)
        let format = add.format ?? "generic"
        guard Self.webhookFormats.contains(format) else { throw HTTPResponseError(.invalidFormat, "format must be generic, slack or discord") }
        guard let c = URLComponents(string: add.url), ["http", "https"].contains(c.scheme ?? ""), !(c.host ?? "").isEmpty, c.fragment == nil else {
            throw HTTPResponseError(.invalidURL, "url: the webhook URL must be http(s)://host/… without a fragment")
        }
        if let refusal = await WebhookTargetCheck.refusal(for: add.url, allowPrivateTargets: allowPrivateTargets) {
            throw HTTPResponseError(.invalidURL, "url: \(refusal)")
        }
        guard !add.events.isEmpty, add.events.allSatisfy({ !$0.isEmpty && $0.count < 100 }) else {
            throw HTTPResponseError(.invalidEvents, "name at least one event type, e.g. job.failed, node.offline, job.* or *")
        }
        let id = try await notifications.add(team: call.principal.teamID, url: add.url, format: format, events: add.events)
        await recorder.record(
            call, action: "notification.add", target: "notification:\(id.uuidString.lowercased())",
            details: ["url": NotificationRepository.display(add.url), "events": add.events.joined(separator: ",")]
        )
        return APIResponse.json(
            NotificationInfo(
                id: id.uuidString.lowercased(), url: NotificationRepository.display(add.url), format: format, events: add.events, delivered: 0, pending: 0,
                failed: 0, lastError: nil
            ),
            status: .created
        )
    }

    /// `GET /v1/notifications`.
    func list(_ call: Call) async throws -> Response {
        APIResponse.json(try await notifications.list(team: call.principal.teamID))
    }

    /// `DELETE /v1/notifications/{id}`.
    func remove(_ call: Call) async throws -> Response {
        guard let raw = call.parameter("id"), let id = UUID(uuidString: raw), try await notifications.remove(team: call.principal.teamID, id: id) else {
            throw HTTPResponseError.unknownNotification
        }
        await recorder.record(call, action: "notification.remove", target: "notification:\(raw)")
        return APIResponse.json(["status": "removed"])
    }

    /// `POST /v1/notifications/{id}/test`: queues a test event for one subscription; the Audit service delivers it.
    func test(_ call: Call) async throws -> Response {
        guard let raw = call.parameter("id"), let id = UUID(uuidString: raw),
            try await notifications.list(team: call.principal.teamID).contains(where: { $0.id == raw })
        else { throw HTTPResponseError.unknownNotification }
        let eventID = UUIDv4.string()
        let event: [String: String] = [
            "id": eventID, "team": call.principal.teamName, "type": "notification.test", "time": WireCoding.formatDate(Date()),
            "actor": call.principal.actor, "target": "notification:\(raw)", "summary": "Coxswain test notification from team \(call.principal.teamName)",
        ]
        var json = String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), as: UTF8.self)
        json.removeLast()
        json += ",\"details\":{}}"
        _ = try await notifications.enqueue([(call.principal.teamID, "notification.test", eventID, json)], onlySubscription: id)
        await recorder.record(call, action: "notification.test", target: "notification:\(raw)")
        return APIResponse.json(["status": "queued", "event": eventID], status: .accepted)
    }
}
