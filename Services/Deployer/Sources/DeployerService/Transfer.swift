import CoxswainCore
import CoxswainCrypto
import Foundation

/// One ADD/COPY on the node: where each artifact goes, with what mode and owner, and (with
/// `--blueprint`) its rendered content. Prepared before the cache check so the fingerprint covers
/// the files' digests, and rendered content for blueprints; applied only when the job runs.
struct Transfer {
    struct File {
        var artifact: ArtifactRef
        var path: String
        var mode: Int
        /// `--blueprint`: the rendered content (fetched and rendered during preparation).
        var rendered: [UInt8]?
    }

    let files: [File]
    let chown: String?
    let scratch: String?

    /// The inputs for the job's fingerprint: destinations, modes, owner and content digests.
    var identity: String {
        files.map { f in
            "\(f.path)|\(String(f.mode, radix: 8))|\(f.rendered.map { Digest.sha256Hex($0) } ?? f.artifact.digest)"
        }.joined(separator: ";") + "|\(chown ?? "")"
    }

    static func prepare(
        files artifacts: [ArtifactRef], destination: String, chown: String?, chmod: String?, blueprint: Bool, context: VerbContext,
        render: (String, String) async throws -> String
    ) async throws -> Transfer {
        guard !artifacts.isEmpty else { throw ArtifactFetchError(description: "no files came with the job (submit it with the coxswain CLI)") }
        var mode: Int?
        if let chmod {
            guard let parsed = Int(chmod, radix: 8), (0...0o7777).contains(parsed) else {
                throw ArtifactFetchError(description: "--chmod \(chmod) is not an octal mode such as 0644")
            }
            mode = parsed
        }
        // A mode from the submission is untrusted: beyond 0o7777 it would trap in Foundation's conversion to mode_t.
        if let bad = artifacts.first(where: { !(0...0o7777).contains($0.mode ?? 0o644) }) {
            throw ArtifactFetchError(description: "\(bad.fileName): mode \(bad.mode ?? 0) is not a file mode (0 to 0o7777)")
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory)
        let intoDirectory = destination.hasSuffix("/") || artifacts.count > 1 || (exists && isDirectory.boolValue)
        var files = artifacts.map { artifact in
            File(
                artifact: artifact,
                path: intoDirectory ? (destination.hasSuffix("/") ? destination : destination + "/") + artifact.fileName : destination,
                mode: mode ?? artifact.mode ?? 0o644, rendered: nil
            )
        }
        var scratch: String?
        if blueprint {
            guard let fetcher = context.artifacts else {
                throw ArtifactFetchError(description: "this agent knows no gateway to fetch files from (deployer.gateway_url)")
            }
            let directory = NSTemporaryDirectory() + "coxswain-blueprint-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            scratch = directory
            do {
                for i in files.indices {
                    let temporary = directory + "/\(i)"
                    try await fetcher.fetch(files[i].artifact, task: context.taskID, to: temporary, mode: 0o600)
                    guard let data = FileManager.default.contents(atPath: temporary), let text = String(data: data, encoding: .utf8) else {
                        throw ArtifactFetchError(description: "--blueprint: \(files[i].artifact.name) is not UTF-8 text")
                    }
                    files[i].rendered = Array(try await render(text, files[i].artifact.name).utf8)
                }
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
        }
        return Transfer(files: files, chown: chown, scratch: scratch)
    }

    /// Writes every file; a destination that already has the same content is not transferred
    /// again (its mode and owner are still set). Returns a line per file.
    func apply(context: VerbContext) async throws -> String {
        var lines: [String] = []
        for file in files {
            let parent = (file.path as NSString).deletingLastPathComponent
            if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            let wanted = file.rendered.map { Digest.sha256Hex($0) } ?? file.artifact.digest
            if Self.digest(ofFileAt: file.path) == wanted {
                try FileManager.default.setAttributes([.posixPermissions: file.mode], ofItemAtPath: file.path)
                lines.append("\(file.path) unchanged")
            } else if let rendered = file.rendered {
                let temporary = file.path + ".coxswain-\(UUID().uuidString.prefix(8))"
                guard FileManager.default.createFile(atPath: temporary, contents: Data(rendered), attributes: [.posixPermissions: file.mode]),
                    rename(temporary, file.path) == 0
                else {
                    try? FileManager.default.removeItem(atPath: temporary)
                    throw ArtifactFetchError(description: "cannot write \(file.path): \(String(cString: strerror(errno)))")
                }
                lines.append("\(file.path) rendered from \(file.artifact.name)")
            } else {
                guard let fetcher = context.artifacts else {
                    throw ArtifactFetchError(description: "this agent knows no gateway to fetch files from (deployer.gateway_url)")
                }
                try await fetcher.fetch(file.artifact, task: context.taskID, to: file.path, mode: file.mode)
                lines.append("\(file.path) written (\(file.artifact.size) bytes)")
            }
            if let chown { try FileManager.default.changeOwner(of: file.path, to: chown) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func cleanUp() {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// The SHA-256 of a file's content (streamed), or `nil` when it is not a readable file.
    static func digest(ofFileAt path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.finalizeHex()
    }
}
