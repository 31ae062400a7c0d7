import CoxswainCore
import CoxswainCrypto
import CoxswainOrchestration
import Foundation

/// ADD/COPY sources on the submitting machine: globbed, hashed, uploaded once per content.
enum Artifacts {
    /// The files of an ADD/COPY call (globs expanded), each with its digest, size and mode.
    static func describe(_ call: VerbCall, at location: SourceLocation?, relativeTo base: String?) throws -> [(path: String, ref: ArtifactRef)] {
        let sources: [SourceRef]
        switch call {
        case .add(let s, _, _, _, _), .copy(let s, _, _, _, _): sources = s
        default: return []
        }
        var out: [(String, ArtifactRef)] = []
        for source in sources {
            for path in try FileGlob.expand(source, at: location) {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                    throw OrchestrationError.noMatch(location, pattern: source.pattern + " (a directory; name its files, e.g. dir/*)")
                }
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
                let name: String
                if let base, path.hasPrefix(base.hasSuffix("/") ? base : base + "/") {
                    name = String(path.dropFirst(base.hasSuffix("/") ? base.count : base.count + 1))
                } else {
                    name = path
                }
                out.append((path, ArtifactRef(name: name, digest: try digest(ofFileAt: path), size: size, mode: mode)))
            }
        }
        return out
    }

    static func digest(ofFileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw OrchestrationError.unreadableFile(path: path, reason: "cannot open it") }
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.finalizeHex()
    }

    /// Uploads each distinct file once.
    static func upload(_ files: [(path: String, ref: ArtifactRef)], with client: GatewayClient) async throws {
        var done = Set<String>()
        for file in files where done.insert(file.ref.digest).inserted {
            try await client.uploadArtifact(path: file.path, digest: file.ref.digest, size: file.ref.size)
        }
    }
}
