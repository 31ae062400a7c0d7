import Foundation
import AsyncHTTPClient
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
package final class WebhookSender: Sendable {
    /// `User-Agent` of every request.
    package static let userAgent = "coxswain/0.1.0"
    /// How much of a receiver's answer is read (and at most 200 characters of it kept in
    /// ``DeliveryOutcome/error``).
    private static let maximumResponseBytes = 16 << 10
    private static let maximumReasonLength = 200

    private let timeout: Duration
    private let logger: Logger
    private let client: HTTPClient

    /// Creates a sender; nothing is sent until the first delivery.
    ///
    /// - Parameter timeout: Limit for a whole attempt (connecting, sending, and reading the
    ///   answer); an attempt that takes longer fails as retriable.
    package init(timeout: Duration = .seconds(10), logger: Logger) {
        self.timeout = timeout
        self.logger = logger
        let amount = TimeAmount(timeout)
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: amount, read: amount))
        configuration.decompression = .disabled
        // Fail an attempt at once on a refused connection instead of retrying until the deadline:
        // the dispatcher's RetryPolicy spaces out the attempts.
        configuration.connectionPool.retryConnectionEstablishment = false
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

    /// Returns `nil` if `url` is an acceptable subscription URL (http or https, a host, no
    /// fragment), else the reason it is not (which never repeats the URL).
    package static func validate(url: String) -> String? {
        WebhookURL.validate(url)
    }

    /// POSTs `body` to `url` with `Content-Type: application/json`, `X-Coxswain-Event:
    /// <eventType>`, `X-Coxswain-Delivery: <eventID>` and `User-Agent: coxswain/0.1.0` (and
    /// `Authorization: Basic …` if the URL has `user:password@`), and tells what happened.
    ///
    /// 2xx is delivered; 408, 429, 5xx, timeouts and connection failures are retriable; other
    /// statuses (4xx, redirects) and invalid URLs are not. Never throws; a cancelled task gives
    /// a retriable outcome.
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
        let outcome: DeliveryOutcome
        do {
            let response = try await client.execute(request, deadline: .now() + TimeAmount(timeout))
            let answer = await Self.read(response.body)
            outcome = Self.outcome(status: Int(response.status.code), headers: response.headers, answer: answer, target: target)
        } catch {
            outcome = Self.outcome(error: error, timeout: timeout, target: target)
        }
        log(outcome, logger: logger, eventType: eventType, eventID: eventID, duration: clock.now - start)
        return outcome
    }

    // MARK: Classification

    /// The outcome of an answered request.
    static func outcome(status: Int, headers: HTTPHeaders, answer: String, target: WebhookURL) -> DeliveryOutcome {
        if (200..<300).contains(status) {
            return DeliveryOutcome(delivered: true, statusCode: status, error: nil, retriable: false)
        }
        let retriable = status == 408 || status == 429 || (500..<600).contains(status)
        var reason = "HTTP \(status)"
        let answer = target.scrub(answer)
        if !answer.isEmpty { reason += ": \(answer)" }
        reason += "; " + advice(status)
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

    /// The start of the receiver's answer as one printable line; empty if it could not be read.
    private static func read(_ body: HTTPClientResponse.Body) async -> String {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                bytes += chunk.readableBytesView.prefix(maximumResponseBytes - bytes.count)
                if bytes.count >= maximumResponseBytes { break }
            }
        } catch {
            // The status is what matters; a broken body only loses the reason text.
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let line = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        return line.trimmingCharacters(in: .whitespaces).truncated(toUTF16: maximumReasonLength)
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
