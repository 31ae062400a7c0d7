/// What ``ContainerEngine/probe()`` learned about the engine behind the socket (`GET /version`).
package struct EngineInfo: Sendable, Equatable {
    /// The engine product.
    package enum Kind: String, Sendable, Equatable {
        /// Podman's Docker-compatible service (`podman system service`).
        case podman
        /// Docker Engine (dockerd).
        case docker
        /// Something else that speaks the Docker Engine API.
        case unknown
    }

    /// The engine product, from `Components` and `Platform.Name`.
    package let kind: Kind
    /// The engine's own version (`4.3.1`, `20.10.24`).
    package let version: String
    /// The highest Docker Engine API version it serves (`1.41`).
    package let apiVersion: String
    /// The lowest Docker Engine API version it serves (`1.24`), if reported.
    package let minimumAPIVersion: String?
    /// Operating system and architecture (`linux/amd64`).
    package let platform: String

    /// An engine description.
    package init(kind: Kind, version: String, apiVersion: String, minimumAPIVersion: String?, platform: String) {
        self.kind = kind
        self.version = version
        self.apiVersion = apiVersion
        self.minimumAPIVersion = minimumAPIVersion
        self.platform = platform
    }

    /// `true` if the engine serves API version `major.minor` (compared numerically).
    package func supportsAPI(_ wanted: String) -> Bool {
        guard let have = Self.numbers(apiVersion), let want = Self.numbers(wanted) else { return false }
        if let minimum = minimumAPIVersion, let low = Self.numbers(minimum), want.lexicographicallyPrecedes(low) { return false }
        return !have.lexicographicallyPrecedes(want)
    }

    private static func numbers(_ version: String) -> [Int]? {
        let parts = version.split(separator: ".").map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }
    }
}

/// The body of `GET /version`.
struct VersionResponse: Decodable {
    // The API's field names.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct NamedPart: Decodable { let Name: String? }
    let platform: NamedPart?
    let components: [NamedPart]?
    let version: String?
    let apiVersion: String?
    let minAPIVersion: String?
    let os: String?
    let arch: String?

    enum CodingKeys: String, CodingKey {
        case platform = "Platform", components = "Components", version = "Version", apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion", os = "Os", arch = "Arch"
    }

    var info: EngineInfo {
        let names = (components ?? []).compactMap(\.Name) + [platform?.Name].compactMap { $0 }
        let kind: EngineInfo.Kind =
            if names.contains(where: { $0.localizedCaseInsensitiveContains("podman") }) {
                .podman
            } else if names.contains(where: { $0 == "Engine" || $0.localizedCaseInsensitiveContains("docker engine") }) {
                .docker
            } else {
                .unknown
            }
        return EngineInfo(
            kind: kind, version: version ?? "unknown", apiVersion: apiVersion ?? "unknown", minimumAPIVersion: minAPIVersion,
            platform: "\(os ?? "unknown")/\(arch ?? "unknown")")
    }
}
