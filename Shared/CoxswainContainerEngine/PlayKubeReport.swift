/// What `POST /libpod/play/kube` created: the pods with their containers, and volumes.
package struct PlayKubeReport: Sendable, Equatable, Codable {
    /// The pods created.
    package let pods: [Pod]
    /// The names of the volumes created.
    package let volumes: [String]

    /// One pod created by play kube.
    package struct Pod: Sendable, Equatable, Codable {
        /// Pod ID.
        package let id: String
        /// IDs of its containers (the infra container not included).
        package let containers: [String]
        /// IDs of its init containers.
        package let initContainers: [String]
        /// Non-fatal messages.
        package let logs: [String]
        /// Errors starting its containers: the pod exists but does not fully run.
        package let containerErrors: [String]

        enum CodingKeys: String, CodingKey {
            case id = "ID", containers = "Containers", initContainers = "InitContainers", logs = "Logs", containerErrors = "ContainerErrors"
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            containers = try c.decodeIfPresent([String].self, forKey: .containers) ?? []
            initContainers = try c.decodeIfPresent([String].self, forKey: .initContainers) ?? []
            logs = try c.decodeIfPresent([String].self, forKey: .logs) ?? []
            containerErrors = try c.decodeIfPresent([String].self, forKey: .containerErrors) ?? []
        }
    }

    struct Volume: Decodable {
        // The API's field name.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        let Name: String
    }

    enum CodingKeys: String, CodingKey { case pods = "Pods", volumes = "Volumes" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pods = try c.decodeIfPresent([Pod].self, forKey: .pods) ?? []
        volumes = try c.decodeIfPresent([Volume].self, forKey: .volumes)?.map(\.Name) ?? []
    }
}
