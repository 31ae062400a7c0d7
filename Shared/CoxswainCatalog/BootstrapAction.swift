/// What one bootstrap step does on its host over SSH.
///
/// It encodes as a flat, tagged JSON object (`{"kind": "run", "command": "…"}`,
/// `{"kind": "upload", "source": {…}, "destination": "…", "mode": 493}`,
/// `{"kind": "download", "remote": "…", "localName": "…"}`), a stable wire format rather than
/// the compiler's encoding of an enum.
package enum BootstrapAction: Sendable, Equatable, Hashable, Codable {
    /// Runs `command` on the host; a non-zero exit status fails the host.
    case run(command: String)
    /// Uploads `source` to `destination` on the host (relative destinations start at the SSH
    /// user's home folder). `mode` is the file's permission bits: the `--chmod` mode when
    /// given, otherwise the local source file's mode read while planning; `nil` when neither
    /// is known (a ``BootstrapSource/fetched(localName:)`` source without `--chmod`), in which
    /// case the downloaded file's mode is kept.
    case upload(source: BootstrapSource, destination: String, mode: UInt32?)
    /// Downloads `remote` from the host into the run's artifacts under `localName`.
    case download(remote: String, localName: String)

    /// The verb that does this: `RUN`, `ADD` or `GET`.
    package var verb: String {
        switch self {
        case .run: "RUN"
        case .upload: "ADD"
        case .download: "GET"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, command, source, destination, mode, remote, localName
    }

    /// Decodes the tagged object.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "run":
            self = .run(command: try container.decode(String.self, forKey: .command))
        case "upload":
            self = .upload(
                source: try container.decode(BootstrapSource.self, forKey: .source),
                destination: try container.decode(String.self, forKey: .destination),
                mode: try container.decodeIfPresent(UInt32.self, forKey: .mode))
        case "download":
            self = .download(
                remote: try container.decode(String.self, forKey: .remote), localName: try container.decode(String.self, forKey: .localName))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown bootstrap step kind '\(kind)'")
        }
    }

    /// Encodes the tagged object.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .run(let command):
            try container.encode("run", forKey: .kind)
            try container.encode(command, forKey: .command)
        case .upload(let source, let destination, let mode):
            try container.encode("upload", forKey: .kind)
            try container.encode(source, forKey: .source)
            try container.encode(destination, forKey: .destination)
            try container.encodeIfPresent(mode, forKey: .mode)
        case .download(let remote, let localName):
            try container.encode("download", forKey: .kind)
            try container.encode(remote, forKey: .remote)
            try container.encode(localName, forKey: .localName)
        }
    }
}
