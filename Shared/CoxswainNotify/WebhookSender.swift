import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends webhook bodies over HTTP(S): one POST per ``deliver(url:body:eventType:eventID:)``,
/// no retries of its own (the dispatcher schedules them with ``RetryPolicy``).
///
/// It owns an `HTTPClient` on the process-wide event loop group: call ``shutdown()`` exactly
/// once when done. Redirects are not followed (a webhook URL is a credential, and a redirect
/// could send the body anywhere); TLS certificates are verified. The URL is never logged nor
/// returned whole: only ``WebhookURL/redacted`` (`scheme://host[:port]/…`).
///
/// Before every attempt the host is resolved once and every address checked against the
/// ``WebhookTargetPolicy`` (no loopback, private, link-local… targets unless allowed); the
/// request then goes to the checked address: a URL whose host is an address literal is sent as
/// is, and for a name a one-shot `HTTPClient` maps the name to the checked address
/// (`dnsOverride`), which keeps the `Host` header, TLS SNI and certificate verification on the
/// name. So nothing resolves the name a second time between the check and the connection.
///
/// The receiver's answer body is never read nor kept: only its status (a receiver could
/// otherwise echo what an internal service answered).
package final class WebhookSender: Sendable {
    /// `User-Agent` of every request.
    package static let userAgent = "coxswain/0.1.0"

    private let timeout: Duration
    private let policy: WebhookTargetPolicy
    private let logger: Logger
    private let configuration: HTTPClient.Configuration
    /// For URLs whose host is an address literal (no resolution, so nothing to pin).
    private let client: HTTPClient

    /// Creates a sender; nothing is sent until the first delivery.
    ///
    /// - Parameters:
    ///   - timeout: Limit for a whole attempt (resolving, connecting, sending, and receiving the
    ///     answer's head); an attempt that takes longer fails as retriable.
    ///   - policy: Which addresses may be sent to (`notifications.allow_private_targets`).
    package init(timeout: Duration = .seconds(10), policy: WebhookTargetPolicy = WebhookTargetPolicy(), logger: Logger) {
        self.timeout = timeout
        self.policy = policy
        self.logger = logger
        let amount = TimeAmount(timeout)
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: amount, read: amount))
        configuration.decompression = .disabled
        // Fail an attempt at once on a refused connection instead of retrying until the deadline:
        // the dispatcher's RetryPolicy spaces out the attempts.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.configuration = configuration
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the HTTP client's connections. Call it exactly once, when done (an `HTTPClient`
    /// that is not shut down traps when it is deallocated).
    package func shutdown() async {
        do {
            try await client.shutdown()
        } catch {
            logger.debug("webhook HTTP client shutdown failed", metadata: [NotifyLogMetadata.error: "\(error)"])
        }
    }

    /// Returns `nil` if `url` is an acceptable subscription URL (http or https, a host, a port in
    /// 1...65535 if any, no fragment), else the reason it is not (which never repeats the URL).
    /// It does not look at the host's addresses: see ``WebhookTargetPolicy``.
    package static func validate(url: String) -> String? {
        WebhookURL.validate(url)
    }

    /// POSTs `body` to `url` with `Content-Type: application/json`, `X-Coxswain-Event:
    /// <eventType>`, `X-Coxswain-Delivery: <eventID>` and `User-Agent: coxswain/0.1.0` (and
    /// `Authorization: Basic …` if the URL has `user:password@`), and tells what happened.
    ///
    /// 2xx is delivered; 408, 429, 5xx, timeouts, resolution and connection failures are
    /// retriable; other statuses (4xx, redirects), invalid URLs and hosts in refused ranges are
    /// not. Never throws; a cancelled task gives a retriable outcome.
    package func deliver(url: String, body: [UInt8], eventType: String, eventID: String) async -> DeliveryOutcome {
        let target: WebhookURL
        do {
            target = try WebhookURL(url)
        } catch {
            let outcome = DeliveryOutcome(
                delivered: false, statusCode: nil, error: "invalid webhook URL: \(error.reason)", retriable: false)
            log(outcome, logger: logger, eventType: eventType, eventID: eventID, duration: nil)
            return outcome
        }
        var logger = logger
        logger[metadataKey: NotifyLogMetadata.url] = "\(target.redacted)"

        var request = HTTPClientRequest(url: target.requestURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        request.headers.add(name: "X-Coxswain-Event", value: Self.headerValue(eventType))
        request.headers.add(name: "X-Coxswain-Delivery", value: Self.headerValue(eventID))
        if let authorization = target.basicAuthorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        request.body = .bytes(ByteBuffer(bytes: body))

        let clock = ContinuousClock()
        let start = clock.now
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let addresses: [TargetAddress]
        switch await policy.check(host: target.connectionHost, timeout: timeout) {
        case .success(let checked):
            addresses = checked
        case .failure(let refusal):
            let outcome = DeliveryOutcome(
                delivered: false, statusCode: nil,
                error: refusal.isRetriable ? "\(refusal); retrying later" : "refused: \(refusal)", retriable: refusal.isRetriable)
            log(outcome, logger: logger, eventType: eventType, eventID: eventID, duration: clock.now - start)
            return outcome
        }
        let outcome: DeliveryOutcome
        do {
            let response = try await execute(request, host: target.connectionHost, addresses: addresses, deadline: deadline)
            outcome = Self.outcome(status: Int(response.status.code), headers: response.headers)
        } catch {
            outcome = Self.outcome(error: error, timeout: timeout, target: target)
        }
        log(outcome, logger: logger, eventType: eventType, eventID: eventID, duration: clock.now - start)
        return outcome
    }

    /// Sends `request` to the checked addresses of `host`, in order, moving to the next only when
    /// the previous one could not be reached (nothing was sent); only the answer's head is used
    /// (its body is dropped unread).
    func execute(_ request: HTTPClientRequest, host: String, addresses: [TargetAddress], deadline: NIODeadline) async throws
        -> HTTPClientResponse
    {
        if let literal = TargetAddress(host), addresses == [literal] {
            return try await client.execute(request, deadline: deadline)
        }
        for address in addresses.dropLast() {
            do {
                return try await execute(request, host: host, pinnedTo: address, deadline: deadline)
            } catch  where Self.isUnreachable(error) {
                continue
            }
        }
        guard let last = addresses.last else { throw TargetResolver.Failure.unresolved("no IPv4 or IPv6 address") }
        return try await execute(request, host: host, pinnedTo: last, deadline: deadline)
    }

    /// Sends `request` for the name `host` with a one-shot client that connects to `address` and
    /// nowhere else (the `Host` header, SNI and certificate checks stay on `host`).
    private func execute(_ request: HTTPClientRequest, host: String, pinnedTo address: TargetAddress, deadline: NIODeadline) async throws
        -> HTTPClientResponse
    {
        var configuration = configuration
        configuration.dnsOverride = [host: address.description]
        let pinned = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await pinned.execute(request, deadline: deadline)
            try? await pinned.shutdown()
            return response
        } catch {
            try? await pinned.shutdown()
            throw error
        }
    }

    /// `true` for a connection that failed before anything was sent, at once (refused, no route):
    /// the next address of the host may work.
    private static func isUnreachable(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, EAFNOSUPPORT].contains(error.errnoCode)
    }

    // MARK: Classification

    /// The outcome of an answered request: its status and generic advice, never the answer's body.
    static func outcome(status: Int, headers: HTTPHeaders) -> DeliveryOutcome {
        if (200..<300).contains(status) {
            return DeliveryOutcome(delivered: true, statusCode: status, error: nil, retriable: false)
        }
        let retriable = status == 408 || status == 429 || (500..<600).contains(status)
        let reason = "HTTP \(status); " + advice(status)
        let retryAfter = retriable ? headers.first(name: "Retry-After").flatMap(Self.retryAfter) : nil
        return DeliveryOutcome(delivered: false, statusCode: status, error: reason, retriable: retriable, retryAfter: retryAfter)
    }

    /// The outcome of a request that got no answer.
    static func outcome(error: any Error, timeout: Duration, target: WebhookURL) -> DeliveryOutcome {
        let (reason, retriable) = describe(error, timeout: timeout, target: target)
        return DeliveryOutcome(delivered: false, statusCode: nil, error: reason, retriable: retriable)
    }

    private static func describe(_ error: any Error, timeout: Duration, target: WebhookURL) -> (String, Bool) {
        if error is CancellationError { return ("cancelled before an answer; retry later", true) }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return ("no answer within \(timeout); the receiver is slow or unreachable", true)
            case .remoteConnectionClosed:
                return ("the receiver closed the connection before answering", true)
            case .cancelled:
                return ("cancelled before an answer; retry later", true)
            case .invalidURL, .emptyHost, .emptyScheme:
                return ("invalid webhook URL; update the subscription", false)
            case .alreadyShutdown:
                return ("the webhook sender was shut down; retry later", true)
            default:
                return ("request failed: \(target.scrub(String(describing: error)))", true)
            }
        }
        // Connection refused, DNS and TLS failures (NIOConnectionError, IOError, NIOSSLError…).
        return ("could not connect: \(target.scrub(String(describing: error)))", true)
    }

    private static func advice(_ status: Int) -> String {
        switch status {
        case 300..<400: "redirects are not followed; set the subscription to the final URL"
        case 401, 403: "the receiver refused the credentials; check the webhook URL or token"
        case 404, 410: "the webhook does not exist (deleted?); update or remove the subscription"
        case 400, 413, 415, 422: "the receiver refused the body; check the subscription's format"
        case 408, 429: "the receiver is busy; retrying later"
        case 500..<600: "the receiver failed; retrying later"
        default: "unexpected answer; check the subscription"
        }
    }

    /// `Retry-After` in delta-seconds (HTTP dates are ignored), at most a day.
    static func retryAfter(_ value: String) -> Duration? {
        guard let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else {
            return nil
        }
        return .milliseconds(Int64(min(seconds, 86_400) * 1000))
    }

    /// A header value without control characters (an event id or type with CR/LF would
    /// otherwise fail the request), at most 256 bytes.
    static func headerValue(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
            .truncated(toUTF16: 256)
    }

    // MARK: Logging

    private func log(_ outcome: DeliveryOutcome, logger: Logger, eventType: String, eventID: String, duration: Duration?) {
        var metadata: Logger.Metadata = [
            NotifyLogMetadata.eventType: "\(eventType)",
            NotifyLogMetadata.eventID: "\(eventID)",
        ]
        if let status = outcome.statusCode { metadata[NotifyLogMetadata.status] = "\(status)" }
        if let duration { metadata[NotifyLogMetadata.duration] = "\(duration)" }
        if outcome.delivered {
            logger.debug("webhook delivered", metadata: metadata)
            return
        }
        metadata[NotifyLogMetadata.retriable] = "\(outcome.retriable)"
        metadata[NotifyLogMetadata.error] = "\(outcome.error ?? "")"
        if outcome.retriable {
            logger.info("webhook delivery failed, retriable", metadata: metadata)
        } else {
            logger.warning("webhook delivery refused", metadata: metadata)
        }
    }
}
