import AsyncHTTPClient
import CoxswainCore
import Foundation
import Logging

@testable import CoxswainRegistry

/// Registries, clients and the shared HTTP client of the unit and integration tests.
enum Fixtures {
    /// One HTTP client for every test (never shut down).
    static let httpClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(5))))

    static var logger: Logger {
        var logger = Logger(label: "registry-tests")
        logger.logLevel = .notice
        return logger
    }

    /// A registry as the API shows it.
    static func registry(
        name: String = "test", kind: RegistryKind, url: String?, namespace: String? = nil, apiURL: String? = nil, plainHTTP: Bool = false,
        username: String? = nil
    ) -> RegistryInfo {
        RegistryInfo(
            id: "reg-1", name: name, kind: kind, url: url, namespace: namespace, apiURL: apiURL, plainHTTP: plainHTTP, username: username,
            hasPassword: false, description: nil, createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
    }

    /// A client of `registry`.
    static func client(_ registry: RegistryInfo, login: RegistryLogin? = nil, timeout: Duration = .seconds(15)) -> RegistryClient {
        RegistryClient(registry: registry, login: login, httpClient: httpClient, logger: logger, timeout: timeout)
    }

    /// Milliseconds of a duration, for the printed figures.
    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
