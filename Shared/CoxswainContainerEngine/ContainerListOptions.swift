/// Which containers ``ContainerEngine/listContainers(_:)`` returns.
package struct ContainerListOptions: Sendable, Equatable {
    /// Include stopped containers.
    package var all: Bool
    /// Label filters, each `key` or `key=value`; a container must match all of them.
    package var labels: [String]
    /// Only containers whose name is `<namePrefix>-…` (checked on the client: engines match
    /// name filters differently).
    package var namePrefix: String?

    /// Options; by default every container, running or not.
    package init(all: Bool = true, labels: [String] = [], namePrefix: String? = nil) {
        self.all = all
        self.labels = labels
        self.namePrefix = namePrefix
    }
}
