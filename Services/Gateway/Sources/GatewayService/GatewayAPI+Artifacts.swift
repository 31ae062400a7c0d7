import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Content-addressed artifacts: uploaded by the CLI (ADD/COPY sources, bootstrap files), fetched
/// by the agents whose pending tasks need them.
extension GatewayAPI {
    func artifactInfo(_ call: Call) async throws -> Response {
        guard let digest = call.parameter("digest"), ArtifactRef.isDigest(digest) else {
            return Self.error(.badRequest, "invalid_digest", "an artifact is named by the lower-case hex SHA-256 of its content (64 characters)")
        }
        guard let info = try await artifacts.info(team: call.principal.teamID, digest: digest) else {
            return Self.error(.notFound, "unknown_artifact", "no artifact \(digest) in team \(call.principal.teamName)")
        }
        return Self.json(info)
    }

    func uploadArtifact(_ call: Call) async throws -> Response {
        guard let digest = call.parameter("digest"), ArtifactRef.isDigest(digest) else {
            return Self.error(.badRequest, "invalid_digest", "an artifact is named by the lower-case hex SHA-256 of its content (64 characters)")
        }
        do {
            let info = try await artifacts.store(
                team: call.principal.teamID, digest: digest, body: call.request.body, limit: Int64(configuration.maxArtifactBytes)
            )
            await record(call.principal, action: "artifact.upload", target: "artifact:\(digest)", outcome: .success, requestID: call.requestID,
                         details: ["size": String(info.size)])
            return Self.json(info, status: .created)
        } catch let error as ArtifactError {
            switch error {
            case .tooLarge: return Self.error(.contentTooLarge, "payload_too_large", error.description)
            case .digestMismatch: return Self.error(.badRequest, "digest_mismatch", error.description)
            }
        }
    }

    /// A node's download: signed with the node's key, for a digest one of its pending tasks needs.
    func nodeArtifact(_ request: Request, _ context: GatewayRequestContext, requestID: String) async throws -> Response {
        let refuse = Self.error(.forbidden, "forbidden", "artifact downloads are for enrolled nodes with a pending task that needs the artifact")
        guard let digest = context.parameters.get("digest"), ArtifactRef.isDigest(digest),
            let node = request.headers[HTTPField.Name(ArtifactFetch.nodeHeader)!],
            let taskText = request.headers[HTTPField.Name(ArtifactFetch.taskHeader)!], let taskUUID = UUID(uuidString: taskText),
            let timeText = request.headers[HTTPField.Name(ArtifactFetch.timeHeader)!], let time = Int64(timeText),
            let signatureText = request.headers[HTTPField.Name(ArtifactFetch.signatureHeader)!],
            let signature = Data(base64Encoded: signatureText)
        else { return refuse }
        guard abs(Date().timeIntervalSince1970 - Double(time)) <= ArtifactFetch.maximumSkew,
            let enrolled = try await nodes.signingKeys([node])[node],
            let key = try? SigningPublicKey(base64: enrolled.key),
            key.verify(Array(signature), for: Array(ArtifactFetch.signedText(node: node, task: taskText, digest: digest, time: time).utf8)),
            let team = try await artifacts.teamOfPendingTask(node: node, task: TaskID(taskUUID), digest: digest), team == enrolled.team,
            let info = try await artifacts.info(team: team, digest: digest)
        else {
            logger.warning("refused an artifact download", metadata: ["node.name": "\(request.headers[HTTPField.Name(ArtifactFetch.nodeHeader)!] ?? "")"])
            return refuse
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.contentLength] = String(info.size)
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: artifacts.content(team: team, digest: digest)))
    }
}
