import CoxswainCore
import Testing

@testable import CoxswainDelivery

/// Small builders for the delivery tests: typed ids and targets from short strings.
enum Fixtures {
    static func target(_ node: String, _ prefix: String) throws -> DeploymentTarget {
        DeploymentTarget(node: try NodeName(validating: node), prefix: try #require(DeploymentPrefix(prefix)))
    }

    static func deployment(
        _ id: String, version: String, on node: String = "n1", prefix: String = "a", status: DeploymentStatus = .successful, product: String = "shop",
        protected: Bool = false
    ) throws -> DeploymentSummary {
        DeploymentSummary(
            id: DeploymentID(id), productID: ProductID(product), versionID: VersionID(version), target: try target(node, prefix), status: status,
            isProtected: protected)
    }
}
