import CoxswainCore
import Hummingbird

/// The Gateway's metric labels: a request's route is named by its `APIRoute` raw value
/// (`submitJob`, `getJob`), looked up by method and the path template the router matched.
enum GatewayMetrics {
    /// "METHOD /template" → route name, for every route of the table.
    static let routes: [String: String] = Dictionary(
        Endpoint.allCases.map { ("\($0.method.http.rawValue) \(RouterPath($0.path).description)", $0.rawValue) }, uniquingKeysWith: { first, _ in first })

    /// The route's name, or nil for paths outside the table (`/metrics`, `/health/live`).
    @Sendable static func routeName(method: String, template: String) -> String? {
        routes["\(method) \(template)"]
    }
}
