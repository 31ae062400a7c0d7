import AsyncHTTPClient
import CoxswainCore
import Foundation
import NIOCore
import NIOFoundationCompat

/// Why enrolment failed, in words for the operator.
package struct EnrolmentError: Error, CustomStringConvertible {
    package let description: String
}

/// Exchanges a one-time enrolment token at the Gateway for the node's broker credentials.
package enum Enroller {
    /// `gatewayURL` is `http://host:port` or `unix:///path/to/gateway.sock`.
    package static func enrol(
        gatewayURL: String, request: EnrolRequest, configuration: HTTPClient.Configuration = HTTPClient.Configuration()
    ) async throws -> EnrolResponse {
        let url: String
        if gatewayURL.hasPrefix("unix://") {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let path = String(gatewayURL.dropFirst("unix://".count))
            url = "http+unix://\(path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)/v1/enrol"
        } else {
            url = (gatewayURL.hasSuffix("/") ? String(gatewayURL.dropLast()) : gatewayURL) + "/v1/enrol"
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { Task { try? await client.shutdown() } }
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.body = .bytes(ByteBuffer(bytes: try WireCoding.encode(request)))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(http, timeout: .seconds(30))
        } catch {
            throw EnrolmentError(description: "cannot reach the gateway at \(gatewayURL) to enrol: \(error)")
        }
        let body = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else {
            let reason = (try? JSONDecoder().decode(APIError.self, from: body))?.reason ?? "HTTP \(response.status.code)"
            throw EnrolmentError(description: "enrolment refused: \(reason)")
        }
        return try WireCoding.decoder().decode(EnrolResponse.self, from: body)
    }
}
