import CoxswainRuntime
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves a webhook's host to its addresses with the system resolver (`getaddrinfo`, so
/// `/etc/hosts`, `localhost` and shorthand literals like `127.1` resolve as they would for a
/// connection).
///
/// `getaddrinfo` blocks and cannot be cancelled: each resolution runs on its own thread, never
/// on the cooperative pool or an event loop, and the caller stops waiting after `timeout` (a
/// resolver that hangs longer only keeps its own thread).
package enum TargetResolver {
    /// Why a host has no address.
    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The resolver answered with an error (unknown name, no address, resolver failure).
        case unresolved(String)
        /// The resolver did not answer in time.
        case timedOut(Duration)

        /// A reason safe to log and to show the team.
        package var description: String {
            switch self {
            case .unresolved(let reason): "cannot resolve the host: \(reason)"
            case .timedOut(let timeout): "cannot resolve the host: no answer within \(timeout)"
            }
        }
    }

    /// The addresses of `host` (a name or an address literal, IPv6 without brackets), in the
    /// resolver's order, without duplicates.
    package static func resolve(_ host: String, timeout: Duration) async -> Result<[TargetAddress], Failure> {
        await withCheckedContinuation { continuation in
            let once = Once(continuation)
            let started = DedicatedThread.start(name: "coxswain-resolve") { once.resume(with: resolveBlocking(host)) }
            if started != 0 { once.resume(with: .failure(.unresolved("\(ThreadStartError(code: started))"))) }
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds)) {
                once.resume(with: .failure(.timedOut(timeout)))
            }
        }
    }

    /// `getaddrinfo` itself; blocks.
    static func resolveBlocking(_ host: String) -> Result<[TargetAddress], Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc) || canImport(Musl)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .failure(.unresolved(reason))
        }
        defer { freeaddrinfo(first) }
        var addresses: [TargetAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            guard let socketAddress = info.pointee.ai_addr else { continue }
            let address: TargetAddress?
            switch info.pointee.ai_family {
            case AF_INET:
                address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { TargetAddress(bytes: Array($0)) }
                }
            case AF_INET6:
                address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { TargetAddress(bytes: Array($0)) }
                }
            default:
                address = nil
            }
            if let address, !addresses.contains(address) { addresses.append(address) }
        }
        return addresses.isEmpty ? .failure(.unresolved("no IPv4 or IPv6 address")) : .success(addresses)
    }

    /// Resumes a continuation once: with the resolver's answer or with the timeout, whichever
    /// comes first.
    private final class Once: Sendable {
        private let continuation: Mutex<CheckedContinuation<Result<[TargetAddress], Failure>, Never>?>

        init(_ continuation: CheckedContinuation<Result<[TargetAddress], Failure>, Never>) {
            self.continuation = Mutex(continuation)
        }

        func resume(with result: Result<[TargetAddress], Failure>) {
            continuation.withLock { pending in
                pending?.resume(returning: result)
                pending = nil
            }
        }
    }
}
