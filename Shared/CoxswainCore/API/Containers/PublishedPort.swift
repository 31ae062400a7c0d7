/// A published port as `docker run -p` writes it: `[HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp]`
/// (IPv4 host addresses; an empty host port lets the engine choose).
public struct PublishedPort: Sendable, Equatable {
    public var hostIP: String?
    public var hostPort: UInt16?
    public var containerPort: UInt16
    /// `tcp` or `udp`.
    public var proto: String

    public init?(parsing text: String) {
        var rest = Substring(text)
        proto = "tcp"
        if let slash = rest.lastIndex(of: "/") {
            let p = rest[rest.index(after: slash)...]
            guard p == "tcp" || p == "udp" else { return nil }
            proto = String(p)
            rest = rest[..<slash]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        func port(_ s: Substring) -> UInt16? {
            guard !s.isEmpty, s.count <= 5, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber), let n = UInt16(s), n > 0 else { return nil }
            return n
        }
        switch parts.count {
        case 2:
            hostIP = nil
        case 3:
            let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && (UInt16($0) ?? 256) <= 255 }) else {
                return nil
            }
            hostIP = String(parts[0])
        default:
            return nil
        }
        let hostPart = parts[parts.count - 2]
        if hostPart.isEmpty {
            hostPort = nil
        } else {
            guard let h = port(hostPart) else { return nil }
            hostPort = h
        }
        guard let c = port(parts[parts.count - 1]) else { return nil }
        containerPort = c
    }
}
