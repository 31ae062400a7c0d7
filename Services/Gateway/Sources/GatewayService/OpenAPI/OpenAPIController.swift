import CoxswainCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /v1/openapi.json` (public): the API's OpenAPI 3.1 document, generated once from the route
/// table when the Gateway starts (`OpenAPIDocument`).
struct OpenAPIController: Sendable {
    /// The document's bytes, or why it could not be generated (a unit test keeps this from happening).
    let document: Result<[UInt8], SchemaRecorderError>

    init() {
        do {
            document = .success(try OpenAPIDocument.json())
        } catch let error as SchemaRecorderError {
            document = .failure(error)
        } catch {
            document = .failure(SchemaRecorderError(type: "OpenAPIDocument", reason: "\(error)"))
        }
    }

    /// The document as `application/json`.
    func serve(_ call: PublicCall) throws -> Response {
        guard case .success(let bytes) = document else { throw HTTPResponseError.internalError }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
