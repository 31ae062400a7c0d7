/// One container as `GET /containers/json` lists it.
package struct ContainerSummary: Sendable, Equatable, Decodable {
    /// Full container ID.
    package let id: String
    /// Names without the leading `/` Docker adds.
    package let names: [String]
    /// Image as given at create.
    package let image: String
    /// Image ID.
    package let imageID: String?
    /// Command line, as one string.
    package let command: String?
    /// Creation time, seconds since 1970.
    package let created: Int64?
    /// `created`, `running`, `exited`, `paused`…
    package let state: String
    /// Human status (`Up 3 seconds`).
    package let status: String?
    /// Labels.
    package let labels: [String: String]
    /// Published and exposed ports.
    package let ports: [PortSummary]

    /// One port of a listed container.
    package struct PortSummary: Sendable, Equatable, Decodable {
        /// Host address the port is published on.
        package let ip: String?
        /// Port inside the container.
        package let privatePort: Int64
        /// Port on the host, if published.
        package let publicPort: Int64?
        /// `tcp`, `udp` or `sctp`.
        package let type: String?

        enum CodingKeys: String, CodingKey {
            case ip = "IP"
            case privatePort = "PrivatePort"
            case publicPort = "PublicPort"
            case type = "Type"
        }
    }

    /// The first name (what `docker ps` shows).
    package var name: String { names.first ?? id }

    /// `true` if the container runs.
    package var isRunning: Bool { state == "running" }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case names = "Names"
        case image = "Image"
        case imageID = "ImageID"
        case command = "Command"
        case created = "Created"
        case state = "State"
        case status = "Status"
        case labels = "Labels"
        case ports = "Ports"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        names = (try container.decodeIfPresent([String].self, forKey: .names) ?? []).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        image = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
        imageID = try container.decodeIfPresent(String.self, forKey: .imageID)
        command = try container.decodeIfPresent(String.self, forKey: .command)
        created = try container.decodeIfPresent(Int64.self, forKey: .created)
        state = try container.decodeIfPresent(String.self, forKey: .state) ?? "unknown"
        status = try container.decodeIfPresent(String.self, forKey: .status)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        ports = try container.decodeIfPresent([PortSummary].self, forKey: .ports) ?? []
    }
}
