/// Command from the Gateway to the Scheduler: a job was recorded and awaits planning.
/// The job itself lives in Postgres; the message is a nudge (a Scheduler sweeper also plans
/// jobs whose nudge was lost).
public struct JobSubmitted: Message {
    public static let messageType = "job.submitted"
    public var jobID: JobID
    public init(jobID: JobID) { self.jobID = jobID }
}
