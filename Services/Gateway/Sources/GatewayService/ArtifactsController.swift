import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Content-addressed artifacts: uploaded by the CLI (ADD/COPY sources, bootstrap files), fetched
/// by the agents whose pending tasks need them.
struct ArtifactsController: Sendable {
    let artifacts: ArtifactRepository
    /// The nodes' signing keys, which authenticate their downloads.
    let nodes: NodeRepository
    /// The largest upload (`gateway.max_artifact_bytes`).
    let maxArtifactBytes: Int
    let recorder: ActionRecorder
    let logger: Logger

    /// `GET /v1/artifacts/{digest}`: whether the team has it, and its size.
    func info(_ call: Call) async throws -> Response {
        guard let digest = call.parameter("digest"), ArtifactRef.isDigest(digest) else { throw HTTPResponseError.invalidDigest }
        guard let info = try await artifacts.info(team: call.principal.teamID, digest: digest) else {
            throw HTTPResponseError(.unknownArtifact, "no artifact \(digest) in team \(call.principal.teamName)")
        }
        return APIResponse.json(info)
    }

    /// `PUT /v1/artifacts/{digest}`: streams the upload into Postgres, checking the digest.
    func upload(_ call: Call) async throws -> Response {
        guard let digest = call.parameter("digest"), ArtifactRef.isDigest(digest) else { throw HTTPResponseError.invalidDigest }
        do {
            let info = try await artifacts.store(team: call.principal.teamID, digest: digest, body: call.request.body, limit: Int64(maxArtifactBytes))
            await recorder.record(call, action: "artifact.upload", target: "artifact:\(digest)", details: ["size": String(info.size)])
            return APIResponse.json(info, status: .created)
        } catch let error as ArtifactError {
            switch error {
            case .tooLarge: throw HTTPResponseError(.payloadTooLarge, error.description)
            case .digestMismatch: throw HTTPResponseError(.digestMismatch, error.description)
            }
        }
    }

    /// `GET /v1/node/artifacts/{digest}` (public: the node signs the request with its key), for a
    /// digest one of the node's pending tasks needs.
    func nodeDownload(_ call: PublicCall) async throws -> Response {
        let request = call.request
        let refuse = HTTPResponseError.forbidden("artifact downloads are for enrolled nodes with a pending task that needs the artifact")
        guard let digest = call.parameter("digest"), ArtifactRef.isDigest(digest),
            let node = request.headers[HTTPField.Name(ArtifactFetch.nodeHeader)!],
            let taskText = request.headers[HTTPField.Name(ArtifactFetch.taskHeader)!], let taskUUID = UUID(uuidString: taskText),
            let timeText = request.headers[HTTPField.Name(ArtifactFetch.timeHeader)!], let time = Int64(timeText),
            let signatureText = request.headers[HTTPField.Name(ArtifactFetch.signatureHeader)!],
            let signature = Data(base64Encoded: signatureText)
        else { throw refuse }
        guard abs(Date().timeIntervalSince1970 - Double(time)) <= ArtifactFetch.maximumSkew,
            let enrolled = try await nodes.signingKeys([node])[node],
            let key = try? SigningPublicKey(base64: enrolled.key),
            key.verify(Array(signature), for: Array(ArtifactFetch.signedText(node: node, task: taskText, digest: digest, time: time).utf8)),
            let team = try await artifacts.teamOfPendingTask(node: node, task: TaskID(taskUUID), digest: digest), team == enrolled.team,
            let info = try await artifacts.info(team: team, digest: digest)
        else {
            logger.warning("refused an artifact download", metadata: ["node.name": "\(request.headers[HTTPField.Name(ArtifactFetch.nodeHeader)!] ?? "")"])
            throw refuse
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.contentLength] = String(info.size)
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: artifacts.content(team: team, digest: digest)))
    }
}
