import Hummingbird
import Metrics

/// Wraps a router's responder and records `coxswain_http_request_duration_seconds{route,method,status}`
/// for every request. The route label comes from `routeName` given the method and the path template
/// the router matched (`/v1/jobs/{id}`), never the raw path, so ids never become labels; a request
/// that matched no route is labelled `unmatched`. For a streamed body (server-sent events) the time
/// is until the response head.
package struct HTTPMetricsResponder<Next: HTTPResponder>: HTTPResponder where Next.Context: RequestContext {
    package typealias Context = Next.Context
    let next: Next
    let routeName: @Sendable (_ method: String, _ template: String) -> String?

    /// - Parameter routeName: The route's name for a method and path template, or nil to use the
    ///   template itself (fixed paths such as `/metrics`).
    package init(next: Next, routeName: @escaping @Sendable (_ method: String, _ template: String) -> String?) {
        self.next = next
        self.routeName = routeName
    }

    static var knownMethods: Set<String> { HTTPMetricLabels.knownMethods }

    package func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next.respond(to: request, context: context)
            record(request, context: context, status: response.status.code, since: started)
            return response
        } catch {
            record(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, since started: ContinuousClock.Instant) {
        // Methods come from the client: only the usual ones become labels.
        let method = Self.knownMethods.contains(request.method.rawValue) ? request.method.rawValue : "other"
        // The router sets the matched template in the context's shared storage; "NotFound" or nil when none matched.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : (routeName(method, $0) ?? $0) } ?? "unmatched"
        Metrics.Timer(label: MetricName.httpRequestSeconds, dimensions: [("route", route), ("method", method), ("status", String(status))])
            .record(duration: ContinuousClock.now - started)
    }
}

/// The method label's values, made once (a generic type cannot hold a stored static).
enum HTTPMetricLabels {
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
}
