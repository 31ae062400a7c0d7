/// The label keys Coxswain sets on the containers it manages, in one place. Lists filter on
/// them (`io.coxswain.managed=true`, `io.coxswain.prefix=<prefix>`), so changing a key orphans
/// running containers.
package enum ContainerLabels {
    /// The team that owns the deployment.
    package static let team = "io.coxswain.team"
    /// The name prefix of the container (`<prefix>-<name>`).
    package static let prefix = "io.coxswain.prefix"
    /// The deployment the container belongs to.
    package static let deployment = "io.coxswain.deployment"
    /// Digest of the configuration the container was created from (a changed digest means
    /// the container must be replaced).
    package static let configDigest = "io.coxswain.config-digest"
    /// Always `true` on containers Coxswain manages; others are never touched.
    package static let managed = "io.coxswain.managed"
    /// The product whose version the container runs (a deployment's containers).
    package static let product = "io.coxswain.product"
    /// The version of the product (a deployment's containers).
    package static let version = "io.coxswain.version"
    /// The instance within the deployment: the container is `<prefix>-<instance>` once in place.
    package static let instance = "io.coxswain.instance"
    /// The deployment's try that created the container (`1`, `2`…).
    package static let tryNumber = "io.coxswain.try"
    /// Set on a deployment's init containers only: the init container's name (they run to
    /// completion before the instance's container is created, and never stay).
    package static let initContainer = "io.coxswain.init"
    /// The value of ``managed``.
    package static let managedValue = "true"
    /// On a deployment's container whose published TCP ports the node's port proxy serves (the
    /// container publishes them on loopback ports the engine chose): `true`.
    package static let proxied = "io.coxswain.proxied"

    /// The labels every managed container carries, for a container of `deployment` under `prefix`.
    package static func managedLabels(team: String, prefix: String, deployment: String, configDigest: String) -> [String: String] {
        [Self.team: team, Self.prefix: prefix, Self.deployment: deployment, Self.configDigest: configDigest, managed: managedValue]
    }

    /// The labels of a deployment's container: ``managedLabels(team:prefix:deployment:configDigest:)``
    /// plus the product, version, instance and try, so that the node can be reconciled from its
    /// containers alone.
    package static func deploymentLabels(
        team: String, prefix: String, deployment: String, configDigest: String, product: String, version: String, instance: String, tryNumber: Int
    ) -> [String: String] {
        var labels = managedLabels(team: team, prefix: prefix, deployment: deployment, configDigest: configDigest)
        labels[Self.product] = product
        labels[Self.version] = version
        labels[Self.instance] = instance
        labels[Self.tryNumber] = String(tryNumber)
        return labels
    }

    /// The list filter (`key=value`) that selects the managed containers of `deployment`.
    package static func deploymentFilter(_ deployment: String) -> [String] {
        ["\(managed)=\(managedValue)", "\(Self.deployment)=\(deployment)"]
    }

    /// The list filter (`key=value`) that selects the managed containers under `prefix`.
    package static func prefixFilter(_ prefix: String) -> [String] {
        ["\(managed)=\(managedValue)", "\(Self.prefix)=\(prefix)"]
    }
}
