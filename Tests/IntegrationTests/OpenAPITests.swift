import CoxswainCore
import Foundation
import Testing

/// The OpenAPI document a running Gateway serves, checked by a real validator
/// (`scripts/openapi-check.sh`: openapi-spec-validator from PyPI) and used by schemathesis for a
/// bounded run against the read-only routes with an owner's token: no answer may be a 5xx.
extension PlatformTests {
    static let openAPIRepository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("the served OpenAPI document is the route table, passes a validator, and schemathesis finds no 5xx", .timeLimit(.minutes(6)))
    func openAPIDocumentValidates() async throws {
        try await TestPlatform.with(nodes: ["node-a"]) { p in
            let (status, body) = try await p.http("GET", "/v1/openapi.json")
            #expect(status == 200, "\(body.prefix(300))")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let served = Set(paths.flatMap { path, item in item.keys.map { "\($0.uppercased()) \(path)" } })
            let table = Set(
                APIRoute.allCases.map { route in
                    "\(route.method.rawValue) "
                        + route.path.split(separator: "/", omittingEmptySubsequences: false)
                        .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                })
            #expect(served == table)

            // A token of a user who owns team default, for schemathesis.
            let password = "openapi-owner-password"
            let created = try await p.cli(["user", "create", "openapi-owner", "--role", "owner", "--password-stdin"], stdin: password)
            #expect(created.status == 0, "\(created)")
            let (_, login) = try await p.http("POST", "/v1/login", body: #"{"user":"openapi-owner","password":"\#(password)"}"#)
            let session = (try JSONSerialization.jsonObject(with: Data(login.utf8)) as? [String: Any])?["session"] as? String ?? ""
            let (_, tokenBody) = try await p.http("POST", "/v1/tokens", headers: ["Authorization: Session \(session)"], body: #"{"name":"openapi"}"#)
            let token = (try JSONSerialization.jsonObject(with: Data(tokenBody.utf8)) as? [String: Any])?["secret"] as? String ?? ""
            #expect(!token.isEmpty, "\(tokenBody)")

            let file = p.directory + "/openapi.json"
            try body.write(toFile: file, atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment
            // One virtualenv for the whole run directory, installed once.
            if environment["OPENAPI_VENV"] == nil, let run = environment["COXSWAIN_TEST_RUN_DIR"] { environment["OPENAPI_VENV"] = run + "/openapi-venv" }
            let check = try await runCommand(
                "/bin/bash", [Self.openAPIRepository + "/scripts/openapi-check.sh", file, "--url", "http://127.0.0.1:\(p.httpPort)", "--token", token],
                environment: environment, timeout: .seconds(300))
            print("OpenAPITests: \(check.stdout.suffix(1500))")
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout.contains(": OK"), "\(check)")
            #expect(!p.log("gateway", lines: 100_000).contains("request failed"), "\(p.log("gateway"))")
        }
    }
}
