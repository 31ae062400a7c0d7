/// What a verb is, declared once and used by the Gateway (what it accepts and how), the Scheduler
/// (what it coordinates) and the node (what it caches). Adding a verb means one case in `Verb`, its
/// traits here, its handler on the node and its tests.
public struct VerbTraits: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Always travels as a step of a job: the Scheduler coordinates it per step (gates, artifacts, drops).
    public static let stepOnly = VerbTraits(rawValue: 1 << 0)
    /// Its effect must happen every time: never answered from the node's job cache.
    public static let uncached = VerbTraits(rawValue: 1 << 1)
    /// Needs the admin role in the team (a plain member may not submit it).
    public static let adminOnly = VerbTraits(rawValue: 1 << 2)
    /// Holds back the steps after it until a condition across nodes holds (QUERY, JOB_WAIT, REBOOT):
    /// a `--batch` window, which holds nodes back, cannot be combined with the waiting ones.
    public static let gated = VerbTraits(rawValue: 1 << 3)
    /// Waits for other nodes (QUERY, QUERY_WAIT, JOB_WAIT): never finishes inside a batch window.
    public static let waitsForNodes = VerbTraits(rawValue: 1 << 4)
    /// Only a single-verb job may carry it, never a step of an orchestration (REKEY).
    public static let notAStep = VerbTraits(rawValue: 1 << 5)
    /// Needs its files uploaded as artifacts before submission (ADD, COPY).
    public static let needsArtifacts = VerbTraits(rawValue: 1 << 6)
    /// Submitted only through its own routes, which check a role per action (CONTAINER): never
    /// through `POST /v1/jobs` or an orchestration.
    public static let operationOnly = VerbTraits(rawValue: 1 << 7)
}

extension Verb {
    /// This verb's traits (see `VerbTraits`).
    public var traits: VerbTraits {
        switch self {
        case .run, .arg, .env, .workdir, .cachefile, .service, .pkg, .dnf, .facter, .secontext, .containerConfigData: []
        // The engine's state changes behind the cache's back (a pod removed, an image pruned): a
        // cached POD --play or CONTAINER_IMAGE --pull would skip work that is needed again.
        case .echo, .cacheevict, .wait, .cacheDump, .pod, .containerImage: .uncached
        case .rekey: [.uncached, .adminOnly, .notAStep]
        case .add, .copy: [.stepOnly, .needsArtifacts]
        case .query: [.stepOnly, .uncached, .gated, .waitsForNodes]
        case .queryWait: [.stepOnly, .uncached, .waitsForNodes]
        case .jobWait: [.stepOnly, .uncached, .gated, .waitsForNodes]
        case .queueSentinel: [.stepOnly, .uncached]
        case .reboot: [.stepOnly, .uncached, .gated]
        case .container, .deploy: [.uncached, .operationOnly, .notAStep]
        }
    }

    /// Verbs an orchestration step may use (every verb but the single-job ones such as REKEY).
    public static var stepVerbs: [Verb] { allCases.filter { !$0.traits.contains(.notAStep) } }
}
