import CoxswainCore
import HTTPTypes
import Hummingbird
import NIOCore

/// How the API encodes its answers: JSON bodies and server-sent events.
enum APIResponse {
    /// `value` as a JSON answer (WireCoding: ISO-8601 dates, sorted keys).
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? WireCoding.encode(value)) ?? Array("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// One server-sent event named `name` carrying the JSON `data`.
    static func sse(_ name: StreamEventName, _ data: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: \(name.rawValue)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}
