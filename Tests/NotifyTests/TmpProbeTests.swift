import AsyncHTTPClient
import NIOCore
import Testing
@testable import CoxswainNotify
@Test func probeRefusedError() async throws {
    let server = try await ScriptedHTTPServer.start(statuses: [200])
    let port = server.port
    await server.close()
    var c = HTTPClient.Configuration()
    c.connectionPool.retryConnectionEstablishment = false
    c.dnsOverride = ["localhost": "127.0.0.1"]
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: c)
    do { _ = try await client.execute(HTTPClientRequest(url: "http://localhost:\(port)/"), deadline: .now() + .seconds(3)) }
    catch { print("PROBE", type(of: error), (error as? IOError)?.errnoCode as Any) }
    try await client.shutdown()
}
