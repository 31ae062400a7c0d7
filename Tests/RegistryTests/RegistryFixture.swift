import AsyncHTTPClient
import CoxswainCore
import Foundation
import Testing

@testable import CoxswainRegistry

#if canImport(Glibc)
    import Glibc
#endif

/// The real registry started by `scripts/engine.sh` (see its `engine.env`: plain HTTP, htpasswd
/// Basic auth, `demo/httpd:1` and `:2` pushed). The integration suites run only when
/// `COXSWAIN_INTEGRATION=1` and `COXSWAIN_REGISTRY_URL` are set, as `scripts/test.sh` does.
enum RegistryFixture {
    static let environment = ProcessInfo.processInfo.environment
    /// `host:port` of the local registry, nil when the integration tests are off.
    static let hostPort: String? = environment["COXSWAIN_REGISTRY_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// Whether the integration tests run.
    static var enabled: Bool { environment["COXSWAIN_INTEGRATION"] == "1" && hostPort != nil }
    /// Why they are skipped otherwise.
    static let skipReason: Comment =
        "needs COXSWAIN_INTEGRATION=1 and the registry of scripts/engine.sh (source $RUN_DIR/engine.env; scripts/test.sh does both)"
    /// Registry user and password.
    static let login = RegistryLogin(username: environment["COXSWAIN_REGISTRY_USER"] ?? "coxswain", password: environment["COXSWAIN_REGISTRY_PASSWORD"] ?? "")

    /// The local registry as a team would register it (`v2`, plain HTTP), optionally with a sub-path.
    static func registry(subPath: String? = nil) -> RegistryInfo {
        let host = hostPort ?? "127.0.0.1:1"
        return Fixtures.registry(name: "local", kind: .v2, url: subPath.map { "\(host)/\($0)" } ?? host, plainHTTP: true, username: login.username)
    }

    /// A client of the local registry with `login` (the right one by default).
    static func client(login: RegistryLogin? = RegistryFixture.login, subPath: String? = nil, pageSize: Int = 100) -> RegistryClient {
        var client = Fixtures.client(registry(subPath: subPath), login: login)
        client.pageSize = pageSize
        return client
    }

    /// A pusher of test images with Basic credentials.
    static var pusher: RegistryPusher {
        RegistryPusher(baseURL: "http://\(hostPort ?? "127.0.0.1:1")", authorization: { _ in login.basicAuthorization })
    }

    /// A fresh lowercase name for one test (`rt-<what>-<6 hex>`).
    static func unique(_ what: String) -> String {
        "rt-\(what)-\(String(UInt32.random(in: 0x10_0000...0xFF_FFFF), radix: 16))"
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Bool in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : Int.random(in: 40000...49999)
    }
}
