/// A bootstrap run: `queued` → `running` → `succeeded` | `failed`. A running run whose
/// Bootstrapper died (its lease expired) is claimed again and resumed.
public enum BootstrapRunStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, succeeded, failed

    public var isFinal: Bool { self == .succeeded || self == .failed }
}

/// One host of a bootstrap run: `pending` → `running` → `succeeded` | `failed`; started again
/// (back to `running`) when a resumed run redoes it.
public enum BootstrapHostStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, succeeded, failed

    public var isFinal: Bool { self == .succeeded || self == .failed }
}

/// One step on one host: `pending` → `running` → `succeeded` | `failed`, or `skipped` when its
/// host failed before it ran.
public enum BootstrapStepStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, succeeded, failed, skipped

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .skipped }
}
