import Foundation

/// Progress of a bootstrap run, published by the Bootstrapper: streamed live to the CLI by the
/// Gateway (`GET /v1/bootstrap/{id}/events`) and recorded by Audit (output chunks excepted).
public struct BootstrapEvent: Message {
    public static let messageType = "bootstrap.event"

    public enum Kind: String, Codable, Sendable {
        case runStarted = "run_started"
        case hostStarted = "host_started"
        case stepStarted = "step_started"
        case output
        case stepFinished = "step_finished"
        case hostFinished = "host_finished"
        case runFinished = "run_finished"
    }

    @LowercaseUUID public var runID: UUID
    public var teamID: TeamID?
    public var kind: Kind
    public var time: Date
    public var host: String?
    public var step: Int?
    public var label: String?
    /// `succeeded`, `failed` (hosts, steps and runs).
    public var status: String?
    /// Output text (`output`), or the error (`*_finished` with `failed`).
    public var text: String?
    public var exitCode: Int32?

    public init(runID: UUID, teamID: TeamID?, kind: Kind, time: Date = Date()) {
        self.runID = runID
        self.teamID = teamID
        self.kind = kind
        self.time = time
    }
}
