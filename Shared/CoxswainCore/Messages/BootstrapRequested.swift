import Foundation

/// Command from the Gateway to the Bootstrapper: a bootstrap run was recorded (plan, hosts and
/// steps in Postgres) and awaits execution. Redelivered after a Bootstrapper crash, it resumes
/// the run: finished hosts are kept, unfinished ones start again.
public struct BootstrapRequested: Message {
    public static let messageType = "bootstrap.requested"
    public var runID: UUID
    public init(runID: UUID) { self.runID = runID }
}
