import CoxswainAMQP
import CoxswainCore

/// The whole broker topology: every exchange, queue, binding and routing key Coxswain uses.
/// No other file spells a broker name. Every service declares what it uses, idempotently, at start
/// (and again after every reconnect).
///
/// Routing keys on the events exchange are prefixed by who may publish them: a node publishes only
/// under `node.<name>.` (its broker user is limited to that prefix once enrolment lands); services
/// publish `job.…` and `fleet.…`.
package enum Topology {
    // MARK: Exchanges

    /// Direct exchange for commands: Gateway → Scheduler (`scheduler.jobs`), Scheduler → node (`node.<name>`).
    package static let commands = ExchangeDeclaration(name: "coxswain.commands", kind: .direct)
    /// Topic exchange for events: node results/heartbeats/output, job and fleet events.
    package static let events = ExchangeDeclaration(name: "coxswain.events", kind: .topic)
    /// Fanout exchange receiving messages that could not be processed (rejected without requeue).
    package static let deadLetters = ExchangeDeclaration(name: "coxswain.dead", kind: .fanout)

    // MARK: Queues

    /// Scheduler: job submissions (competing consumers across Scheduler replicas).
    package static let schedulerJobs = queue("coxswain.scheduler.jobs")
    /// Scheduler: task results from every node (competing consumers).
    package static let schedulerResults = queue("coxswain.scheduler.results")
    /// Scheduler: heartbeats from every node (competing consumers).
    package static let schedulerHeartbeats = queue("coxswain.scheduler.heartbeats")
    /// Audit: every event (competing consumers across Audit replicas).
    package static let auditEvents = queue("coxswain.audit.events")
    package static let bootstrapRequests = queue("coxswain.bootstrap.requests")
    /// Where dead letters rest for an operator to inspect.
    package static let deadLetterQueue = QueueDeclaration(name: "coxswain.dead")

    /// Deployer: the node's own durable queue of task batches.
    package static func nodeQueue(_ node: NodeName) -> QueueDeclaration { queue("coxswain.node.\(node)") }

    /// Gateway: one exclusive, auto-deleted queue per Gateway process for the events it streams.
    package static func gatewayQueue(instance: String) -> QueueDeclaration {
        QueueDeclaration(name: "coxswain.gateway.\(instance)", durable: false, exclusive: true, autoDelete: true)
    }

    private static func queue(_ name: String) -> QueueDeclaration {
        QueueDeclaration(name: name, durable: true, deadLetterExchange: deadLetters.name)
    }

    // MARK: Routing keys

    package enum RoutingKey {
        /// Commands: a job to plan.
        package static let schedulerJobs = "scheduler.jobs"
        package static let bootstrapRequests = "bootstrap.requests"
        package static func bootstrap(_ kind: BootstrapEvent.Kind) -> String { "bootstrap.\(kind.rawValue)" }
        /// Commands: a task batch for one node.
        package static func node(_ node: NodeName) -> String { "node.\(node)" }
        /// Events: a node's task result.
        package static func result(_ node: NodeName) -> String { "node.\(node).result" }
        /// Events: a node's heartbeat.
        package static func heartbeat(_ node: NodeName) -> String { "node.\(node).heartbeat" }
        /// Events: a node's live output.
        package static func output(_ node: NodeName) -> String { "node.\(node).output" }
        /// Events: a job state change.
        package static func job(_ kind: JobEvent.Kind) -> String { "job.\(kind.rawValue)" }
        /// Events: a node liveness change.
        package static func fleet(_ kind: NodeEvent.Kind) -> String { "fleet.node.\(kind.rawValue)" }
        /// Events: an auditable action seen by a node (e.g. a refused batch), under its own prefix.
        package static func nodeAudit(_ node: NodeName) -> String { "node.\(node).audit" }
        /// Events: an auditable action.
        package static func audit(_ action: String) -> String { "audit.\(action)" }
        /// Prefix every routing key a node may publish under (for broker topic permissions).
        package static func nodePrefix(_ node: NodeName) -> String { "node.\(node)." }

        /// What a node may publish under its own prefix, and the one message type each key carries.
        package enum NodeKind: String, CaseIterable, Sendable {
            case result, heartbeat, output, audit

            /// The only message type accepted on this key.
            package var messageType: String {
                switch self {
                case .result: SignedTaskResult.messageType
                case .heartbeat: SignedHeartbeat.messageType
                case .output: OutputChunk.messageType
                case .audit: AuditEvent.messageType
                }
            }
        }

        /// The node and kind of a `node.<name>.<kind>` routing key (which the broker's topic
        /// permissions bind to the publishing node's own broker user), or nil for any other key.
        package static func parseNode(_ routingKey: String) -> (node: NodeName, kind: NodeKind?)? {
            let parts = routingKey.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0] == "node", let node = try? NodeName(validating: String(parts[1])) else { return nil }
            return (node, parts.count == 3 ? NodeKind(rawValue: String(parts[2])) : nil)
        }

        /// Why a message on a node's routing key is refused, or nil: it must be the one type its
        /// key carries, and speak for the node in the key.
        package static func nodeMessageProblem(routingKey: String, type: String?, claimedNode: NodeName?) -> String? {
            guard let (node, kind) = parseNode(routingKey) else { return nil }
            guard let kind else { return "routing key \(routingKey) is not one a node may publish" }
            guard type == kind.messageType else { return "message type \(type ?? "none") is not accepted on \(routingKey) (expected \(kind.messageType))" }
            if let claimedNode, claimedNode != node { return "node \(node) published a message naming node \(claimedNode)" }
            return nil
        }
    }

    // MARK: What each service declares

    private static let base = TopologyDeclaration(
        exchanges: [commands, events, deadLetters],
        queues: [deadLetterQueue],
        bindings: [BindingDeclaration(queue: deadLetterQueue.name, exchange: deadLetters.name, routingKey: "")]
    )

    /// Gateway publishes commands and job events.
    package static let gateway = base.merging(schedulerSide).merging(bootstrapperSide)

    package static let bootstrapperSide = TopologyDeclaration(
        exchanges: [],
        queues: [bootstrapRequests],
        bindings: [BindingDeclaration(queue: bootstrapRequests.name, exchange: commands.name, routingKey: RoutingKey.bootstrapRequests)]
    )
    package static let bootstrapper = base.merging(bootstrapperSide)

    /// Scheduler: its three work queues and their bindings.
    package static let schedulerSide = TopologyDeclaration(
        exchanges: [],
        queues: [schedulerJobs, schedulerResults, schedulerHeartbeats],
        bindings: [
            BindingDeclaration(queue: schedulerJobs.name, exchange: commands.name, routingKey: RoutingKey.schedulerJobs),
            BindingDeclaration(queue: schedulerResults.name, exchange: events.name, routingKey: "node.*.result"),
            BindingDeclaration(queue: schedulerHeartbeats.name, exchange: events.name, routingKey: "node.*.heartbeat"),
        ]
    )
    package static let scheduler = base.merging(schedulerSide)

    /// Audit: every event.
    package static let audit = base.merging(
        TopologyDeclaration(
            exchanges: [],
            queues: [auditEvents],
            bindings: [BindingDeclaration(queue: auditEvents.name, exchange: events.name, routingKey: "#")]
        )
    )

    /// Deployer: its own queue, bound to its routing key; plus the scheduler-side queues so that
    /// results published before any Scheduler ever started are not dropped by the broker.
    package static func deployer(_ node: NodeName) -> TopologyDeclaration {
        base.merging(schedulerSide).merging(
            TopologyDeclaration(
                exchanges: [],
                queues: [nodeQueue(node)],
                bindings: [BindingDeclaration(queue: nodeQueue(node).name, exchange: commands.name, routingKey: RoutingKey.node(node))]
            )
        )
    }

    /// A Gateway's streaming queue and its bindings: job events and live output.
    package static func gatewayStream(instance: String) -> TopologyDeclaration {
        let q = gatewayQueue(instance: instance)
        return TopologyDeclaration(
            exchanges: [events],
            queues: [q],
            bindings: [
                BindingDeclaration(queue: q.name, exchange: events.name, routingKey: "job.#"),
                BindingDeclaration(queue: q.name, exchange: events.name, routingKey: "node.*.output"),
                BindingDeclaration(queue: q.name, exchange: events.name, routingKey: "bootstrap.#"),
            ]
        )
    }
}
