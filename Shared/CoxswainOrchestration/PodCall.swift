import CoxswainCore

/// What a `POD` job asks of the node's Podman (Directord's `pod` component): one action on a pod,
/// a Kubernetes YAML to play, or a command to run in a container.
package struct PodCall: Sendable, Equatable, Codable {
    /// The one action a `POD` job takes (Directord's mutually exclusive, required group).
    package enum Action: Sendable, Equatable, Codable {
        /// `--start POD`.
        case start(pod: String)
        /// `--stop POD`.
        case stop(pod: String)
        /// `--rm POD [--force]`: `force` stops and removes running containers first.
        case remove(pod: String, force: Bool)
        /// `--kill POD [--kill-signal SIGNAL]` (default `SIGKILL`).
        case kill(pod: String, signal: String)
        /// `--inspect POD`.
        case inspect(pod: String)
        /// `--play FILE [--no-tlsverify]`: create and start the pods of a Kubernetes YAML file on
        /// the node (`podman play kube`).
        case play(file: String, tlsVerify: Bool)
        /// `--exec-run CONTAINER --command WORD… [--env KEY=VALUE…] [--privileged]`.
        case execRun(container: String, command: [String], environment: [String], privileged: Bool)
    }

    package var action: Action
    /// `--socket-path PATH`: the engine socket to use instead of the node's (`deployer.container_socket`).
    package var socketPath: String?

    package init(action: Action, socketPath: String? = nil) {
        self.action = action
        self.socketPath = socketPath
    }

    /// Directord's default `--kill-signal`.
    package static let defaultKillSignal = "SIGKILL"

    /// Whether `name` can name a pod or container: `[A-Za-z0-9][A-Za-z0-9_.-]*`, at most 253
    /// characters (Podman's rule; an ID matches it too). Nothing else reaches an engine URL.
    package static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 253, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// The signal in the form Podman takes (`SIGKILL`, `SIGRTMIN+3`, `9`), or `nil` when it is not
    /// one: a name with or without `SIG` (any case), or a number from 1 to 64.
    package static func normalizedSignal(_ signal: String) -> String? {
        let text = signal.trimmingWhitespace()
        if let number = Int(text), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            return (1...64).contains(number) ? String(number) : nil
        }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if signalNames.contains(name) { return "SIG" + name }
        for base in ["RTMIN+", "RTMAX-"] where name.hasPrefix(base) {
            if let offset = Int(name.dropFirst(base.count)), (1...15).contains(offset), name.dropFirst(base.count).allSatisfy(\.isASCIIDigit) {
                return "SIG" + name
            }
        }
        return nil
    }

    /// `KEY=VALUE` with an environment variable name as `KEY`.
    package static func isEnvironmentAssignment(_ text: String) -> Bool {
        guard let equals = text.firstIndex(of: "=") else { return false }
        return SubmitJobRequest.isEnvironmentName(String(text[..<equals]))
    }

    private static let signalNames: Set<String> = [
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT",
        "CHLD", "CLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS",
        "RTMIN", "RTMAX",
    ]

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
