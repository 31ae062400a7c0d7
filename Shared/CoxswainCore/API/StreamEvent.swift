/// Server-sent event names of `GET /v1/jobs/{id}/events`. Each event's `data` is one JSON object:
/// `job` carries a `JobEvent`, `output` an `OutputChunk`, `end` the final `JobSummary`.
public enum StreamEventName: String, Sendable {
    case job
    case output
    case end
    /// A bootstrap run's progress (`GET /v1/bootstrap/{id}/events`).
    case bootstrap
}
