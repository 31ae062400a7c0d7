/// Where a value of a container's configuration comes from. Layers merge in this order, the later
/// winning: the image's configuration in the version, then the deployment's, then the instance's
/// (one container of one deployment).
public enum ConfigLayer: String, Codable, Sendable, CaseIterable, Comparable {
    case image
    case deployment
    case instance

    var rank: Int {
        switch self {
        case .image: 0
        case .deployment: 1
        case .instance: 2
        }
    }

    public static func < (lhs: ConfigLayer, rhs: ConfigLayer) -> Bool { lhs.rank < rhs.rank }
}
