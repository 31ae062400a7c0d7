import CoxswainCore
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


/// The Gateway's check of a webhook URL's port and host when a subscription is added: a port in
/// 1...65535, and a host that is or resolves to at least one public address unless
/// `notifications.allow_private_targets`. A host that does not resolve (yet) is accepted: the
/// Audit service checks again before every attempt and connects only to the address it checked.
///
/// The same ranges as `CoxswainNotify.TargetAddress` (which the Audit service's sender uses and
/// its unit tests cover): GatewayService does not depend on CoxswainNotify, so they are repeated
/// here; keep the two in step.
enum WebhookTargetCheck {
    /// How long the Gateway waits for the resolver before accepting the URL unchecked.
    static let resolveTimeout: Duration = .seconds(3)

    /// Why `url` (already known to be http(s) with a host) is refused, or `nil`.
    static func refusal(for url: String, allowPrivateTargets: Bool) async -> String? {
        guard let components = URLComponents(string: url), let parsed = URL(string: url), var host = parsed.host, !host.isEmpty else {
            return "the webhook URL must be http(s)://host/… without a fragment"
        }
        let portText = components.rangeOfPort.map { url[$0] } ?? ""
        if !portText.isEmpty || parsed.port != nil {
            guard let port = parsed.port, (1...65_535).contains(port), components.port == port else {
                return "the port must be between 1 and 65535"
            }
        }
        if allowPrivateTargets { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let addresses: [[UInt8]]
        if let literal = numericAddress(host) {
            addresses = [literal]
        } else {
            addresses = await resolve(host)
        }
        let ranges = addresses.map(refusedRange)
        guard let first = ranges.first, !ranges.contains(where: { $0 == nil }), let range = first else { return nil }
        return "the host is or resolves to a \(range) address; webhooks may only go to public addresses "
            + "(an operator can allow others with notifications.allow_private_targets)"
    }

    /// 4 or 16 bytes for an address in standard notation, else `nil`.
    static func numericAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The refused range of an address (4 or 16 bytes), or `nil` for a public one.
    static func refusedRange(_ b: [UInt8]) -> String? {
        if b.count == 4 { return refusedIPv4(b[0], b[1]) }
        if b[0..<12].allSatisfy({ $0 == 0 }) {
            if b[12..<15].allSatisfy({ $0 == 0 }), b[15] <= 1 { return b[15] == 0 ? "unspecified" : "loopback" }
            return refusedIPv4(b[12], b[13]) ?? "reserved"
        }
        let mapped = b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xFF && b[11] == 0xFF
        let nat64 = b[0..<12].elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
        if mapped || nat64 { return refusedIPv4(b[12], b[13]) }
        if b[0] == 0x20, b[1] == 0x02, let range = refusedIPv4(b[2], b[3]) { return range }
        switch (b[0], b[1] & 0xC0) {
        case (0xFE, 0x80): return "link-local"
        case (0xFE, 0xC0), (0xFC...0xFD, _): return "private"
        case (0xFF, _): return "multicast"
        default: return nil
        }
    }

    private static func refusedIPv4(_ a: UInt8, _ b: UInt8) -> String? {
        switch (a, b) {
        case (0, _): "unspecified"
        case (10, _), (172, 16...31), (192, 168): "private"
        case (100, 64...127): "shared (carrier-grade NAT)"
        case (127, _): "loopback"
        case (169, 254): "link-local"
        case (224...239, _): "multicast"
        case (240...255, _): "reserved"
        default: nil
        }
    }

    /// Every address of `host` (`getaddrinfo` on its own thread: it blocks), or none if it does
    /// not resolve within ``resolveTimeout``.
    static func resolve(_ host: String) async -> [[UInt8]] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[[UInt8]], Never>) in
            let box = ResumeOnce(continuation)
            Thread.detachNewThread { box.resume(resolveBlocking(host)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + Double(resolveTimeout.components.seconds)) { box.resume([]) }
        }
    }

    private final class ResumeOnce: Sendable {
        let pending: Mutex<CheckedContinuation<[[UInt8]], Never>?>
        init(_ continuation: CheckedContinuation<[[UInt8]], Never>) { pending = Mutex(continuation) }
        func resume(_ addresses: [[UInt8]]) {
            pending.withLock { $0?.resume(returning: addresses); $0 = nil }
        }
    }

    private static func resolveBlocking(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var out: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor, let address = info.pointee.ai_addr {
            cursor = info.pointee.ai_next
            if info.pointee.ai_family == AF_INET {
                out.append(address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in withUnsafeBytes(of: p.pointee.sin_addr) { Array($0) } })
            } else if info.pointee.ai_family == AF_INET6 {
                out.append(address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) } })
            }
        }
        return out
    }
}
