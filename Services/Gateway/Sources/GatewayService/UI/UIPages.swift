import CoxswainCore
import Foundation

/// The signed-in part of the layout: who, which team (a switcher for several), the navigation,
/// and the CSRF token for the header's forms.
struct UIChrome: Sendable {
    struct TeamOption: Sendable {
        var name: String
        var role: String
        var selected: Bool
    }
    struct NavItem: Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    var user: String
    var role: String
    var team: String
    var csrf: String
    var switcher: Bool
    var teams: [TeamOption]
    var nav: [NavItem]

    /// The pages in the navigation, by path.
    static let pages: [(href: String, label: String)] = [("/ui/", "Dashboard"), ("/ui/nodes", "Nodes"), ("/ui/jobs", "Jobs"), ("/ui/audit", "Audit")]

    init(principal: Principal, teams: [TeamMembership], csrf: String, current: String) {
        user = principal.userName ?? principal.actor
        role = principal.role.rawValue
        team = principal.teamName
        self.csrf = csrf
        switcher = teams.count > 1
        self.teams = teams.map { TeamOption(name: $0.team, role: $0.role.rawValue, selected: $0.team == principal.teamName) }
        nav = Self.pages.map { NavItem(href: $0.href, label: $0.label, current: $0.href == current) }
    }
}

/// A list the templates test for emptiness (`{{#x.any}}`) and count. Stored, not computed:
/// Mustache sees a value's stored properties only (through `Mirror`).
struct UIList<Item: Sendable>: Sendable {
    let items: [Item]
    let any: Bool
    let count: Int

    init(items: [Item]) {
        self.items = items
        any = !items.isEmpty
        count = items.count
    }
}

/// One row of a job table.
struct UIJobRow: Sendable {
    var id: String
    var short: String
    var verb: String
    var arguments: String
    var status: UIStatus
    var succeeded: Int
    var failed: Int
    var pending: Int
    var submittedBy: String
    var created: UITime

    init(_ job: JobSummary, now: Date) {
        id = job.id.description.lowercased()
        short = String(id.prefix(8))
        verb = job.verb
        arguments = job.arguments.count > 120 ? String(job.arguments.prefix(119)) + "…" : job.arguments
        status = UIStatus(job.status.rawValue)
        succeeded = job.succeeded
        failed = job.failed
        pending = job.pending
        submittedBy = job.submittedBy
        created = UITime(job.createdAt, now: now)
    }
}

/// The dashboard: counts and the short lists that need attention.
struct UIDashboard: Sendable {
    struct Deployment: Sendable {
        var product: String
        var version: String
        var node: String
        var status: UIStatus
    }

    var online: Int
    var offline: Int
    var running: UIList<UIJobRow>
    var failures: UIList<UIJobRow>
    var deploying: UIList<Deployment>

    init(nodes: [NodeInfo], jobs: [JobSummary], deployments: [DeploymentInfo], now: Date) {
        online = nodes.filter { $0.status == .online }.count
        offline = nodes.filter { $0.status == .offline }.count
        running = UIList(items: jobs.filter { !$0.status.isFinal }.map { UIJobRow($0, now: now) })
        failures = UIList(items: jobs.filter { $0.status == .failed }.prefix(5).map { UIJobRow($0, now: now) })
        deploying = UIList(
            items: deployments.filter { $0.status == .inProgress || $0.status == .preparing }.map {
                Deployment(product: $0.product, version: $0.version, node: $0.node, status: UIStatus($0.status.rawValue))
            })
    }
}

/// The nodes page.
struct UINodesPage: Sendable {
    struct Row: Sendable {
        var name: String
        var status: UIStatus
        var labels: [String]
        var engine: String
        var version: String
        var lastSeen: UITime
    }
    struct Enrolled: Sendable {
        var node: String
        var command: String
        var expires: String
    }

    var rows: UIList<Row>
    var canEnrol: Bool
    var canRemove: Bool
    var csrf: String
    var enrolled: Enrolled?

    init(nodes: [NodeInfo], role: Role, csrf: String, enrolled: AddNodeResponse?, now: Date) {
        rows = UIList(
            items: nodes.map {
                Row(
                    name: $0.name, status: UIStatus($0.status.rawValue), labels: $0.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
                    engine: $0.engine?.summary ?? "none", version: $0.version, lastSeen: UITime($0.lastSeen, now: now))
            })
        canEnrol = role >= (Endpoint.addNode.minimumRole ?? .owner)
        canRemove = role >= (Endpoint.removeNode.minimumRole ?? .owner)
        self.csrf = csrf
        self.enrolled = enrolled.map { Enrolled(node: $0.node, command: $0.command, expires: $0.expiresAt) }
    }
}

/// The jobs page: the run form (for who may submit), the status filter and the list.
struct UIJobsPage: Sendable {
    struct Filter: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    /// The verbs the run form offers (the API checks each, as for any submission).
    static let verbs = ["RUN", "ECHO", "WAIT", "QUERY", "FACTER", "SERVICE", "PKG", "CACHEEVICT"]

    var canRun: Bool
    var csrf: String
    var verbs: [String] = Self.verbs
    var filters: [Filter]
    var list: UIList<UIJobRow>

    init(jobs: [JobSummary], status: String?, role: Role, csrf: String, now: Date) {
        canRun = role >= (Endpoint.submitJob.minimumRole ?? .owner)
        self.csrf = csrf
        filters =
            [Filter(value: "", label: "Any", selected: status == nil)]
            + JobStatus.allCases.map { Filter(value: $0.rawValue, label: $0.rawValue, selected: status == $0.rawValue) }
        list = UIList(items: jobs.map { UIJobRow($0, now: now) })
    }
}

/// One job: its facts, the live output section and each node's task.
struct UIJobPage: Sendable {
    struct Task: Sendable {
        var node: String
        var status: UIStatus
        var exitCode: String?
        var step: String?
        var error: String?
        var stdout: String?
        var stderr: String?
    }

    var id: String
    var short: String
    var verb: String
    var arguments: String
    var status: UIStatus
    var created: UITime
    var submittedBy: String
    var targets: String
    var error: String?
    var final: Bool
    var tasks: UIList<Task>

    init(_ detail: JobDetail, now: Date) {
        let job = detail.job
        id = job.id.description.lowercased()
        short = String(id.prefix(8))
        verb = job.verb
        arguments = job.arguments
        status = UIStatus(job.status.rawValue)
        created = UITime(job.createdAt, now: now)
        submittedBy = job.submittedBy
        targets = job.targets.isEmpty ? "every online node" : job.targets.joined(separator: ", ")
        error = job.error
        final = job.status.isFinal
        // Step numbers only for jobs of several steps (orchestrations).
        let numbered = (job.steps ?? 1) > 1
        tasks = UIList(
            items: detail.tasks.map {
                Task(
                    node: $0.node, status: UIStatus($0.status.rawValue), exitCode: $0.exitCode.map(String.init),
                    step: numbered ? $0.step.map(String.init) : nil,
                    error: $0.error, stdout: $0.stdout.isEmpty ? nil : $0.stdout, stderr: $0.stderr.isEmpty ? nil : $0.stderr)
            })
    }
}

/// The audit page: filters, the verification's result and the records.
struct UIAuditPage: Sendable {
    struct Row: Sendable {
        var seq: Int64
        var time: UITime
        var actor: String
        var action: String
        var target: String
        var outcome: UIStatus
    }

    var actor: String
    var action: String
    var target: String
    var verification: UIFlash?
    var rows: UIList<Row>

    init(entries: [AuditEntry], filter: UIForm, verification: AuditVerification?, now: Date) {
        actor = filter["actor"] ?? ""
        action = filter["action"] ?? ""
        target = filter["target"] ?? ""
        self.verification = verification.map(Self.describe)
        rows = UIList(
            items: entries.map {
                Row(seq: $0.seq, time: UITime($0.time, now: now), actor: $0.actor, action: $0.action, target: $0.target, outcome: UIStatus($0.outcome))
            })
    }

    /// The verification as one sentence with its tone.
    static func describe(_ v: AuditVerification) -> UIFlash {
        if v.intact { return UIFlash(text: "✓ The audit chain is intact: \(v.records) records verified.", tone: "ok") }
        let at = v.firstBrokenSeq.map { " at record \($0)" } ?? ""
        return UIFlash(text: "✕ The audit chain is broken\(at): \(v.reason ?? "a record does not match its hash").", tone: "bad")
    }
}

/// A refusal or failure as a page.
struct UIErrorPage: Sendable {
    var heading: String
    var reason: String
    var back: String
}

/// The login page.
struct UILoginPage: Sendable {
    var csrf: String
    var user: String
    var error: String?
}
