import AsyncHTTPClient
import CoxswainCore
import CoxswainCrypto
import Foundation
import NIOCore
import NIOFoundationCompat

/// Why an artifact could not be fetched.
package struct ArtifactFetchError: Error, CustomStringConvertible {
    package let description: String
}

/// Downloads ADD/COPY artifacts from the Gateway (`GET /v1/node/artifacts/{digest}`), each
/// request signed with the node's own key, streaming to a file and checking the digest.
package struct ArtifactFetcher: Sendable {
    let gatewayURL: String
    let node: NodeName
    let signingKey: @Sendable () -> SigningKeyPair
    let client: HTTPClient

    package init(gatewayURL: String, node: NodeName, signingKey: @escaping @Sendable () -> SigningKeyPair, client: HTTPClient) {
        self.gatewayURL = gatewayURL
        self.node = node
        self.signingKey = signingKey
        self.client = client
    }

    /// The URL of a Gateway path, for `http://host:port` or `unix:///path/gateway.sock`.
    static func url(gateway: String, path: String) -> String {
        if gateway.hasPrefix("unix://") {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let socket = String(gateway.dropFirst("unix://".count))
            return "http+unix://\(socket.addingPercentEncoding(withAllowedCharacters: allowed) ?? socket)\(path)"
        }
        return (gateway.hasSuffix("/") ? String(gateway.dropLast()) : gateway) + path
    }

    /// Writes the artifact to `path` (replacing it atomically) after checking its digest.
    package func fetch(_ artifact: ArtifactRef, task: TaskID, to path: String, mode: Int) async throws {
        let time = Int64(Date().timeIntervalSince1970)
        let text = ArtifactFetch.signedText(node: node.rawValue, task: "\(task)", digest: artifact.digest, time: time)
        var request = HTTPClientRequest(url: Self.url(gateway: gatewayURL, path: "/v1/node/artifacts/\(artifact.digest)"))
        request.headers.add(name: ArtifactFetch.nodeHeader, value: node.rawValue)
        request.headers.add(name: ArtifactFetch.taskHeader, value: "\(task)")
        request.headers.add(name: ArtifactFetch.timeHeader, value: String(time))
        request.headers.add(name: ArtifactFetch.signatureHeader, value: Data(signingKey().sign(Array(text.utf8))).base64EncodedString())
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(600))
        } catch {
            throw ArtifactFetchError(description: "cannot reach the gateway at \(gatewayURL) for \(artifact.name): \(error)")
        }
        guard response.status == .ok else {
            let body = try? await response.body.collect(upTo: 64 << 10)
            let reason = body.flatMap { try? JSONDecoder().decode(APIError.self, from: Data(buffer: $0)) }?.reason ?? "HTTP \(response.status.code)"
            throw ArtifactFetchError(description: "gateway refused \(artifact.name) (\(artifact.digest.prefix(12))): \(reason)")
        }
        let temporary = path + ".coxswain-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: mode]) else {
            throw ArtifactFetchError(description: "cannot write \(temporary)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        var hasher = SHA256Hasher()
        do {
            for try await chunk in response.body {
                hasher.update(chunk.readableBytesView)
                try handle.write(contentsOf: Data(buffer: chunk))
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw ArtifactFetchError(description: "download of \(artifact.name) interrupted: \(error)")
        }
        let digest = hasher.finalizeHex()
        guard digest == artifact.digest else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ArtifactFetchError(description: "\(artifact.name) arrived with SHA-256 \(digest), expected \(artifact.digest); nothing written")
        }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw ArtifactFetchError(description: "cannot move \(artifact.name) into \(path): \(reason)")
        }
    }
}
