/// Every metric name Coxswain records, declared once (rule 19/20: stable names, labels as
/// dimensions). Labels stay low-cardinality: a route name, a status, a message type, an outcome —
/// never a node name, a job id or a user.
package enum MetricName {
    /// Gauge, 1, labels `service`, `version`: which build runs.
    package static let buildInfo = "coxswain_build_info"
    /// Counter: jobs accepted by the Gateway (published to the Scheduler).
    package static let jobsSubmitted = "coxswain_jobs_submitted_total"
    /// Counter, label `status` (succeeded, failed, cancelled, …): jobs the Scheduler finished.
    package static let jobsFinished = "coxswain_jobs_finished_total"
    /// Counter: task batches the Scheduler dispatched to node queues.
    package static let tasksDispatched = "coxswain_tasks_dispatched_total"
    /// Counter: task results the Scheduler ingested.
    package static let resultsIngested = "coxswain_results_ingested_total"
    /// Histogram: results written per ingest transaction.
    package static let resultBatchSize = "coxswain_result_batch_size"
    /// Histogram (seconds), label `connection`: time from publishing a batch to the broker's confirm.
    package static let publishConfirmSeconds = "coxswain_amqp_publish_confirm_seconds"
    /// Histogram (seconds), label `message_type`: time from a message's timestamp to its handling.
    package static let queueLagSeconds = "coxswain_amqp_queue_lag_seconds"
    /// Counter, labels `message_type`, `outcome` (acked, requeued, dead_lettered): deliveries settled.
    package static let messagesHandled = "coxswain_amqp_messages_handled_total"
    /// Gauge: server-sent event streams open on this Gateway.
    package static let sseClients = "coxswain_sse_clients"
    /// Histogram (seconds), labels `route` (the API route name), `method`, `status`.
    package static let httpRequestSeconds = "coxswain_http_request_duration_seconds"
    /// Histogram (seconds), label `outcome`: how long the Deployer's tasks ran.
    package static let deployerTaskSeconds = "coxswain_deployer_task_duration_seconds"
    /// Gauge: tasks (processes) the Deployer runs right now.
    package static let deployerRunningProcesses = "coxswain_deployer_running_processes"
    /// Counter, label `outcome` (succeeded, failed): bootstrap runs the Bootstrapper finished.
    package static let bootstrapRuns = "coxswain_bootstrap_runs_total"
    /// Counter: audit records appended.
    package static let auditEventsRecorded = "coxswain_audit_events_recorded_total"
}
