/// Where the bytes of an upload step come from.
///
/// It encodes as a flat, tagged JSON object (`{"kind": "path", "path": "/srv/setup.sh"}`,
/// `{"kind": "artifact", "digest": "sha256:…", "size": 1234}`,
/// `{"kind": "fetched", "localName": "client.key"}`), a stable wire format rather than the
/// compiler's encoding of an enum.
package enum BootstrapSource: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// A file on the submitting machine: an absolute, normalised path. The CLI uploads these
    /// (``BootstrapPlan/localSources``) and replaces them with ``artifact(digest:size:)``.
    case path(String)
    /// A file already stored as an artifact, by content digest and size in bytes.
    case artifact(digest: String, size: Int64)
    /// A file an earlier `GET` step of the same run downloads under `localName` (Directord
    /// catalogs fetch keys from the server and `ADD` them to the clients this way).
    case fetched(localName: String)

    /// `/srv/setup.sh`, `artifact sha256:… (1234 bytes)` or `fetched client.key`.
    package var description: String {
        switch self {
        case .path(let path): path
        case .artifact(let digest, let size): "artifact \(digest) (\(size) bytes)"
        case .fetched(let localName): "fetched \(localName)"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, path, digest, size, localName
    }

    /// Decodes the tagged object.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "path":
            self = .path(try container.decode(String.self, forKey: .path))
        case "artifact":
            self = .artifact(digest: try container.decode(String.self, forKey: .digest), size: try container.decode(Int64.self, forKey: .size))
        case "fetched":
            self = .fetched(localName: try container.decode(String.self, forKey: .localName))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown upload source kind '\(kind)'")
        }
    }

    /// Encodes the tagged object.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .path(let path):
            try container.encode("path", forKey: .kind)
            try container.encode(path, forKey: .path)
        case .artifact(let digest, let size):
            try container.encode("artifact", forKey: .kind)
            try container.encode(digest, forKey: .digest)
            try container.encode(size, forKey: .size)
        case .fetched(let localName):
            try container.encode("fetched", forKey: .kind)
            try container.encode(localName, forKey: .localName)
        }
    }
}
