import CoxswainCore
import Hummingbird

/// Liveness and readiness (public).
struct HealthController: Sendable {
    /// Nil when ready; otherwise why not (e.g. "degraded: database unreachable since …").
    let ready: @Sendable () async -> String?

    /// `GET /v1/health`: the process answers.
    func health(_ call: PublicCall) -> Response {
        APIResponse.json(["status": "ok", "version": CoxswainVersion.current])
    }

    /// `GET /v1/ready`: migrated and the database reachable.
    func readiness(_ call: PublicCall) async throws -> Response {
        guard let problem = await ready() else { return APIResponse.json(["status": "ready"]) }
        throw HTTPResponseError(.notReady, problem)
    }
}
