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
    /// The value of ``managed``.
    package static let managedValue = "true"

    /// The labels every managed container carries, for a container of `deployment` under `prefix`.
    package static func managedLabels(team: String, prefix: String, deployment: String, configDigest: String) -> [String: String] {
        [Self.team: team, Self.prefix: prefix, Self.deployment: deployment, Self.configDigest: configDigest, managed: managedValue]
    }

    /// The list filter (`key=value`) that selects the managed containers under `prefix`.
    package static func prefixFilter(_ prefix: String) -> [String] {
        ["\(managed)=\(managedValue)", "\(Self.prefix)=\(prefix)"]
    }
}
