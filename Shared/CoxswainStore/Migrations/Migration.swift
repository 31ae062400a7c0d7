/// One versioned schema change: its statements run in one transaction, recorded in `schema_migrations`.
package struct Migration: Sendable {
    package let version: Int
    package let name: String
    package let statements: [String]

    /// Every migration, in order. A new one is a new file and one more line here; released ones never change.
    package static let all: [Migration] = [
        .m001Foundation,
        .m002Tenancy,
        .m003Notifications,
        .m004JobSecrets,
        .m005Fingerprints,
        .m006JobRetention,
        .m007Steps,
        .m008Batches,
        .m009Artifacts,
        .m010Bootstrap,
        .m011BootstrapLease,
        .m012Reconcile,
        .m013ContainerEngine,
        .m014Registries,
        .m015Delivery,
        .m016DeployTokens,
        .m017ObservedContainers,
        .m018BatchPolicy,
    ]
}
