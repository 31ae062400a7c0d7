import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Opens a TCP connection with a timeout: resolves the host with `getaddrinfo` (IPv4, IPv6 and
/// names) and tries each address in turn with a non-blocking `connect` and `poll`. Blocking
/// (name resolution, the waits): call it from the session's own queue only.
enum TCPConnector {
    /// A connected, non-blocking, close-on-exec socket to `host:port`; the caller closes it.
    /// Throws a human-readable reason (for ``SSHError/connectFailed(host:port:reason:)``).
    static func connect(host: String, port: Int, timeout: Duration) throws(LibSSH2Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            throw .library(code: status, message: "cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var errors: [String] = []
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            if Task.isCancelled { throw .cancelled }
            let address = numericAddress(info.pointee.ai_addr, length: info.pointee.ai_addrlen)
            switch attempt(info.pointee, timeout: timeout) {
            case .success(let fd):
                return fd
            case .failure(let reason):
                errors.append("\(address): \(reason)")
            }
        }
        throw .library(code: -1, message: errors.isEmpty ? "no address for \(host)" : errors.joined(separator: "; "))
    }

    private enum Attempt {
        case success(Int32)
        case failure(String)
    }

    private static func attempt(_ info: addrinfo, timeout: Duration) -> Attempt {
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), info.ai_protocol)
        guard fd >= 0 else { return .failure("socket: \(String(cString: strerror(errno)))") }
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) == 0 { return configured(fd) }
        guard errno == EINPROGRESS else {
            let reason = String(cString: strerror(errno))
            close(fd)
            return .failure(reason)
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero {
                close(fd)
                return .failure("connect timed out after \(timeout)")
            }
            if Task.isCancelled {
                close(fd)
                return .failure("cancelled")
            }
            // Short slices so a cancelled task does not wait for the whole timeout.
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(1, min(remaining.roundedUpMilliseconds, 200))))
            if ready < 0 && errno != EINTR {
                let reason = String(cString: strerror(errno))
                close(fd)
                return .failure("poll: \(reason)")
            }
            if ready > 0 { break }
        }
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length) == 0, socketError == 0 else {
            close(fd)
            return .failure(String(cString: strerror(socketError != 0 ? socketError : errno)))
        }
        return configured(fd)
    }

    /// Turns on TCP keepalive (dead peers are noticed) and `TCP_NODELAY` (small SSH packets
    /// such as channel requests are not delayed).
    private static func configured(_ fd: Int32) -> Attempt {
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return .success(fd)
    }

    private static func numericAddress(_ address: UnsafeMutablePointer<sockaddr>?, length: socklen_t) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard let address, getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else {
            return "?"
        }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
