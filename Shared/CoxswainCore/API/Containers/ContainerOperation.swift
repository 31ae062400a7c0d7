/// One container operation on a node (`coxswain container …`, `coxswain image …`): the arguments of
/// a `CONTAINER` task, as JSON. The Gateway builds it from a request after checking the role the
/// action needs; the node decodes it and runs it against its engine.
public struct ContainerOperation: Codable, Sendable, Equatable {
    /// What to do, and the least role in the team it needs.
    public enum Action: String, Codable, Sendable, CaseIterable {
        case list, inspect, logs
        case start, stop, restart
        case remove
        case imageList = "image-list"
        case imagePull = "image-pull"
        case imageRemove = "image-remove"
        case imagePrune = "image-prune"
        case networkList = "network-list"
        case volumeList = "volume-list"
        /// Pull (if needed), create `<prefix>-<name>` with Coxswain's labels and start it.
        case run

        /// Viewers read; members start, stop, restart and pull; admins remove and prune.
        public var leastRole: Role {
            switch self {
            case .list, .inspect, .logs, .imageList, .networkList, .volumeList: .viewer
            case .start, .stop, .restart, .imagePull, .run: .member
            case .remove, .imageRemove, .imagePrune: .admin
            }
        }

        /// Whether it names one container (or, for `remove`, a prefix instead).
        public var needsContainer: Bool {
            switch self {
            case .inspect, .logs, .start, .stop, .restart: true
            default: false
            }
        }
    }

    public var action: Action
    /// The container (name or id) it acts on.
    public var container: String?
    /// `list` and `remove`: only containers Coxswain labelled with this prefix.
    public var prefix: String?
    /// `list`: stopped ones too.
    public var all: Bool?
    /// `logs`: keep streaming new lines until the task's timeout or the container stops.
    public var follow: Bool?
    /// `logs`: only the last N lines.
    public var tail: Int?
    /// `logs`: only lines since this many seconds ago.
    public var sinceSeconds: Int?
    /// `stop`, `restart`: seconds to wait before the engine kills it.
    public var timeSeconds: Int?
    /// `remove`, `image-remove`: also when running / in use.
    public var force: Bool?
    /// `image-pull`, `image-remove`, `run`: the image reference (`registry/repo:tag`).
    public var image: String?
    /// `run`: the container's name after the prefix (`<prefix>-<name>`, both DNS labels).
    public var name: String?
    /// `run`: published ports, `[HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp]`.
    public var ports: [String]?
    /// `run`: the team label the container carries; set by the Gateway from the caller's team.
    public var team: String?

    public init(
        action: Action, container: String? = nil, prefix: String? = nil, all: Bool? = nil, follow: Bool? = nil, tail: Int? = nil,
        sinceSeconds: Int? = nil, timeSeconds: Int? = nil, force: Bool? = nil, image: String? = nil
    ) {
        self.action = action
        self.container = container
        self.prefix = prefix
        self.all = all
        self.follow = follow
        self.tail = tail
        self.sinceSeconds = sinceSeconds
        self.timeSeconds = timeSeconds
        self.force = force
        self.image = image
    }

    /// A `run` operation.
    public static func run(image: String, prefix: String, name: String, ports: [String] = []) -> ContainerOperation {
        var operation = ContainerOperation(action: .run, prefix: prefix, image: image)
        operation.name = name
        operation.ports = ports.isEmpty ? nil : ports
        return operation
    }

    /// Why the operation cannot be sent (a 400 names it), or nil. Checks shape and ranges only; the
    /// node checks again (it trusts nothing it did not check itself).
    public var problem: String? {
        if action.needsContainer {
            guard let container, Self.isContainerName(container) else {
                return "\(action.rawValue) needs a container name or id ([A-Za-z0-9][A-Za-z0-9_.-]*, at most 253 characters)"
            }
        }
        if action == .remove {
            switch (container, prefix) {
            case (nil, nil), (.some, .some): return "remove needs a container name or --prefix, not both"
            case (.some(let name), nil) where !Self.isContainerName(name): return "remove: '\(name)' is not a container name or id"
            default: break
            }
        }
        if let prefix, !Self.isDNSLabel(prefix) {
            return "prefix '\(prefix)' is not a DNS label (lowercase letters, digits and '-', 1 to 63, not starting or ending with '-')"
        }
        if action == .run {
            guard let prefix, let name, Self.isDNSLabel(name) else {
                return "run needs --prefix and --name, both DNS labels (the container is <prefix>-<name>)"
            }
            if prefix.utf8.count + name.utf8.count + 1 > 63 { return "run: '\(prefix)-\(name)' is longer than 63 characters" }
            if (ports ?? []).count > 64 { return "run: at most 64 published ports" }
            for port in ports ?? [] where PublishedPort(parsing: port) == nil {
                return "run: '\(port)' is not [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp]"
            }
        }
        if [.imagePull, .imageRemove, .run].contains(action) {
            guard let image, !image.isEmpty, image.utf8.count <= 512, !image.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                return "\(action.rawValue) needs an image reference (registry/repository:tag)"
            }
        }
        if let tail, !(0...100_000).contains(tail) { return "tail must be 0...100000 lines" }
        if let sinceSeconds, !(0...315_360_000).contains(sinceSeconds) { return "since must be 0...315360000 seconds (10 years)" }
        if let timeSeconds, !(0...3600).contains(timeSeconds) { return "time must be 0...3600 seconds" }
        return nil
    }

    /// A container name or id as engines accept them.
    public static func isContainerName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 253 else { return false }
        func alnum(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) }
        return alnum(first) && name.unicodeScalars.allSatisfy { alnum($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    /// An RFC 1123 label: lowercase letters, digits and '-', 1 to 63, no leading or trailing '-'.
    public static func isDNSLabel(_ label: String) -> Bool {
        guard (1...63).contains(label.utf8.count), !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
        return label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
