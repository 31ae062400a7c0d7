import Foundation

/// A manifest as a registry serves it for a tag: one image (Docker v2 schema 2 or OCI), or a list
/// of images per platform (Docker manifest list or OCI index), or a legacy schema 1 manifest.
///
/// Decoding is pure; whatever the registry sends, it either decodes or throws, never traps.
enum ManifestDocument: Sendable, Equatable {
    case image(Image)
    case index(Index)
    case schema1(Schema1)

    /// Docker image manifest, v2 schema 2.
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// Docker manifest list.
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// OCI image manifest.
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// OCI image index.
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// Docker v2 schema 1 (signed or not); only served when nothing newer exists.
    static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    /// The `Accept` list of a manifest request for a tag: images and lists.
    static let acceptedMediaTypes = [dockerManifest, ociManifest, dockerManifestList, ociIndex]
    /// The `Accept` list for one platform's entry of a list.
    static let acceptedImageMediaTypes = [dockerManifest, ociManifest]

    /// An image manifest: its config blob and layers.
    struct Image: Decodable, Sendable, Equatable {
        var mediaType: String?
        var config: Descriptor
        var layers: [Descriptor]
        var annotations: [String: String]

        init(mediaType: String?, config: Descriptor, layers: [Descriptor], annotations: [String: String] = [:]) {
            self.mediaType = mediaType
            self.config = config
            self.layers = layers
            self.annotations = annotations
        }

        private enum CodingKeys: String, CodingKey { case mediaType, config, layers, annotations }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mediaType = try? container.decodeIfPresent(String.self, forKey: .mediaType)
            config = try container.decode(Descriptor.self, forKey: .config)
            layers = try container.decodeIfPresent([Descriptor].self, forKey: .layers) ?? []
            annotations = lenientStrings(try? container.decodeIfPresent([String: LenientString].self, forKey: .annotations))
        }

        /// Config plus layers in bytes; nil when a size is negative or the sum overflows.
        var totalSize: Int64? {
            var total: Int64 = 0
            for descriptor in [config] + layers {
                guard descriptor.size >= 0 else { return nil }
                let (sum, overflow) = total.addingReportingOverflow(descriptor.size)
                guard !overflow else { return nil }
                total = sum
            }
            return total
        }
    }

    /// A manifest list or index: one entry per platform (plus attestations, platform `unknown/unknown`).
    struct Index: Decodable, Sendable, Equatable {
        var mediaType: String?
        var manifests: [Descriptor]

        init(mediaType: String?, manifests: [Descriptor]) {
            self.mediaType = mediaType
            self.manifests = manifests
        }

        /// `os/architecture[/variant]` of the image entries, in order, without duplicates and
        /// without attestation entries (at most 64).
        var platforms: [String] {
            var seen = Set<String>()
            var platforms: [String] = []
            for entry in manifests.prefix(1024) {
                guard let platform = entry.platform, !platform.isUnknown, seen.insert(platform.description).inserted else { continue }
                platforms.append(platform.description)
                if platforms.count == 64 { break }
            }
            return platforms
        }

        /// The entry whose details `browse` shows: linux/amd64, else the first with a known
        /// platform, else the first.
        var preferredEntry: Descriptor? {
            manifests.first { $0.platform?.os == "linux" && $0.platform?.architecture == "amd64" }
                ?? manifests.first { $0.platform.map { !$0.isUnknown } ?? false }
                ?? manifests.first
        }
    }

    /// A legacy schema 1 manifest: the newest history entry holds a config-like JSON string.
    struct Schema1: Decodable, Sendable, Equatable {
        var architecture: String?
        var config: ImageConfig?

        init(architecture: String?, config: ImageConfig?) {
            self.architecture = architecture
            self.config = config
        }

        private enum CodingKeys: String, CodingKey { case architecture, history }
        private struct History: Decodable { var v1Compatibility: String? }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            architecture = try? container.decodeIfPresent(String.self, forKey: .architecture)
            let history = (try? container.decodeIfPresent([History].self, forKey: .history)) ?? nil
            config = history?.first?.v1Compatibility.flatMap { try? ImageConfig.decode(Data($0.utf8)) }
        }
    }

    /// A content descriptor (`mediaType`, `digest`, `size`, and in a list the `platform`).
    struct Descriptor: Decodable, Sendable, Equatable {
        var mediaType: String?
        var digest: String
        var size: Int64
        var platform: Platform?

        init(mediaType: String? = nil, digest: String, size: Int64, platform: Platform? = nil) {
            self.mediaType = mediaType
            self.digest = digest
            self.size = size
            self.platform = platform
        }

        private enum CodingKeys: String, CodingKey { case mediaType, digest, size, platform }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mediaType = try? container.decodeIfPresent(String.self, forKey: .mediaType)
            digest = try container.decode(String.self, forKey: .digest)
            size = (try? container.decodeIfPresent(Int64.self, forKey: .size)) ?? -1
            platform = try? container.decodeIfPresent(Platform.self, forKey: .platform)
        }
    }

    /// An entry's platform.
    struct Platform: Decodable, Sendable, Equatable, CustomStringConvertible {
        var os: String
        var architecture: String
        var variant: String?

        init(os: String, architecture: String, variant: String? = nil) {
            self.os = os
            self.architecture = architecture
            self.variant = variant
        }

        /// `os/architecture[/variant]`.
        var description: String { Self.describe(os: os, architecture: architecture, variant: variant) ?? "unknown" }

        /// BuildKit's attestation entries (`unknown/unknown`) are not images.
        var isUnknown: Bool { os == "unknown" || architecture == "unknown" }

        /// `os/architecture[/variant]` with each part cut to 64 characters; nil when os or architecture is missing or empty.
        static func describe(os: String?, architecture: String?, variant: String?) -> String? {
            guard let os, let architecture, !os.isEmpty, !architecture.isEmpty else { return nil }
            let parts = [os, architecture] + [variant].compactMap { $0 }.filter { !$0.isEmpty }
            return parts.map { String($0.prefix(64)) }.joined(separator: "/")
        }
    }

    /// The media type named by `Content-Type` (parameters dropped), or by the body.
    var mediaType: String? {
        switch self {
        case .image(let image): image.mediaType
        case .index(let index): index.mediaType
        case .schema1: Self.dockerSchema1
        }
    }

    /// Decodes a manifest answer. `contentType` is the response's `Content-Type`; when it is
    /// generic (`application/json`) the body's `mediaType` and shape decide.
    static func decode(_ data: Data, contentType: String?) throws -> ManifestDocument {
        let headerType = contentType.map { String($0.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased() }
        let probe = try JSONDecoder().decode(Probe.self, from: data)
        let specific = headerType.flatMap {
            [dockerManifest, dockerManifestList, ociManifest, ociIndex, dockerSchema1, dockerSchema1Signed].contains($0) ? $0 : nil
        }
        let mediaType = specific ?? probe.mediaType?.lowercased()
        switch mediaType {
        case dockerManifestList, ociIndex:
            var index = try JSONDecoder().decode(Index.self, from: data)
            index.mediaType = mediaType
            return .index(index)
        case dockerManifest, ociManifest:
            var image = try JSONDecoder().decode(Image.self, from: data)
            image.mediaType = mediaType
            return .image(image)
        case dockerSchema1, dockerSchema1Signed:
            return .schema1(try JSONDecoder().decode(Schema1.self, from: data))
        default:
            // No or an unknown media type: an OCI document may omit it; its shape tells.
            if probe.schemaVersion == 1 { return .schema1(try JSONDecoder().decode(Schema1.self, from: data)) }
            if probe.hasManifests {
                var index = try JSONDecoder().decode(Index.self, from: data)
                index.mediaType = ociIndex
                return .index(index)
            }
            if probe.hasConfig {
                var image = try JSONDecoder().decode(Image.self, from: data)
                image.mediaType = ociManifest
                return .image(image)
            }
            throw ManifestDecodingError(reason: "unknown manifest media type \(String((mediaType ?? "none").prefix(100)))")
        }
    }

    /// String values of a decoded map of untrusted JSON values (non-strings dropped, at most 256
    /// entries, keys up to 256 and values up to 4096 characters).
    static func lenientStrings(_ values: [String: LenientString]?) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in values ?? [:] {
            guard let text = value.value, result.count < 256, key.count <= 256 else { continue }
            result[key] = String(text.prefix(4096))
        }
        return result
    }

    /// The fields that tell the kind of manifest when the media type does not.
    private struct Probe: Decodable {
        var schemaVersion: Int?
        var mediaType: String?
        var hasManifests: Bool
        var hasConfig: Bool

        private enum CodingKeys: String, CodingKey { case schemaVersion, mediaType, manifests, config }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            schemaVersion = try? container.decodeIfPresent(Int.self, forKey: .schemaVersion)
            mediaType = try? container.decodeIfPresent(String.self, forKey: .mediaType)
            hasManifests = container.contains(.manifests)
            hasConfig = container.contains(.config)
        }
    }
}

/// A manifest that decoded as JSON but is none of the known kinds.
struct ManifestDecodingError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// The same as ``ManifestDocument/lenientStrings(_:)`` for the nested types.
private func lenientStrings(_ values: [String: LenientString]?) -> [String: String] {
    ManifestDocument.lenientStrings(values)
}
