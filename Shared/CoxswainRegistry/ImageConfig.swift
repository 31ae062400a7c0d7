import Foundation

/// What the image's config blob says that `browse` shows: when it was built, its platform and its
/// labels. Decoded leniently: an odd `created` or a non-string label value is dropped, not fatal.
struct ImageConfig: Decodable, Sendable, Equatable {
    /// `created` (RFC 3339, fractional seconds allowed), nil when absent or unreadable.
    var created: Date?
    var os: String?
    var architecture: String?
    var variant: String?
    /// `config.Labels`.
    var labels: [String: String]

    init(created: Date? = nil, os: String? = nil, architecture: String? = nil, variant: String? = nil, labels: [String: String] = [:]) {
        self.created = created
        self.os = os
        self.architecture = architecture
        self.variant = variant
        self.labels = labels
    }

    /// `os/architecture[/variant]`, or nil when either is missing.
    var platform: String? {
        ManifestDocument.Platform.describe(os: os, architecture: architecture, variant: variant)
    }

    private enum CodingKeys: String, CodingKey {
        case created, os, architecture, variant, config
    }

    private enum ConfigKeys: String, CodingKey {
        case labels = "Labels"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        created = (try? container.decodeIfPresent(String.self, forKey: .created)).flatMap { $0.flatMap(RFC3339.date(from:)) }
        os = try? container.decodeIfPresent(String.self, forKey: .os)
        architecture = try? container.decodeIfPresent(String.self, forKey: .architecture)
        variant = try? container.decodeIfPresent(String.self, forKey: .variant)
        let config = try? container.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        labels = ManifestDocument.lenientStrings(config.flatMap { try? $0.decodeIfPresent([String: LenientString].self, forKey: .labels) })
    }

    /// Decodes a config blob; anything but a JSON object is an error.
    static func decode(_ data: Data) throws -> ImageConfig {
        try JSONDecoder().decode(ImageConfig.self, from: data)
    }
}

/// A JSON value kept only when it is a string (labels and annotations from untrusted JSON).
struct LenientString: Decodable, Sendable {
    var value: String?

    init(from decoder: any Decoder) throws {
        value = try? decoder.singleValueContainer().decode(String.self)
    }
}
