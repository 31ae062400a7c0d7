import AsyncHTTPClient
import CoxswainCore
import Crypto
import Foundation
import Testing

@testable import CoxswainRegistry

/// A second, private Docker Registry (Debian's Distribution 2.8 binary) with `auth: token`, and
/// its token service in the test process: checks Basic credentials and issues ES256 JWTs signed
/// with a key made by `openssl` whose self-signed certificate is the registry's `rootcertbundle`.
/// Everything lives in a temporary directory; the registry is stopped by PID and the directory
/// removed in all cases.
struct TokenRegistryFixture: Sendable {
    static let registryBinary = "/usr/bin/docker-registry"
    static let opensslBinary = "/usr/bin/openssl"
    static let service = "coxswain-test"
    static let issuerName = "coxswain-test-issuer"
    /// The token service's user and password.
    static let login = RegistryLogin(username: "token-user", password: "token-pass-\(UInt32.random(in: 0...UInt32.max))")

    /// Whether the suite runs: COXSWAIN_INTEGRATION=1 and both binaries installed.
    static var enabled: Bool {
        ProcessInfo.processInfo.environment["COXSWAIN_INTEGRATION"] == "1" && FileManager.default.isExecutableFile(atPath: registryBinary)
            && FileManager.default.isExecutableFile(atPath: opensslBinary)
    }
    static let skipReason: Comment = "needs COXSWAIN_INTEGRATION=1, /usr/bin/docker-registry (docker-registry) and /usr/bin/openssl"

    /// The registry as a team would register it (v2, plain HTTP on loopback).
    let registry: RegistryInfo
    /// Mints tokens directly (for pushing test images).
    let issuer: TokenIssuer
    /// The token service.
    let tokenServer: TestHTTPServer
    /// `http://127.0.0.1:PORT` of the registry.
    let baseURL: String

    /// A client of the registry with `login`.
    func client(login: RegistryLogin? = TokenRegistryFixture.login) -> RegistryClient {
        Fixtures.client(registry, login: login)
    }

    /// A pusher that authorises with tokens minted for the scope asked.
    var pusher: RegistryPusher {
        let issuer = issuer
        return RegistryPusher(baseURL: baseURL) { scope in "Bearer " + ((try? issuer.token(subject: "pusher", scopes: [scope])) ?? "") }
    }

    /// Starts the token service and the registry, runs `body`, and always stops both.
    static func with(_ body: (TokenRegistryFixture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coxswain-token-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let keyPath = directory.appendingPathComponent("key.pem").path
        let certPath = directory.appendingPathComponent("cert.pem").path
        try run(opensslBinary, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath])
        try run(opensslBinary, ["req", "-new", "-x509", "-key", keyPath, "-out", certPath, "-days", "1", "-subj", "/CN=coxswain-test-token"])
        let key = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
        let issuer = TokenIssuer(key: key, issuer: issuerName, service: service)

        let tokenServer = try await TestHTTPServer.start { request, _ in
            guard request.path == "/token" else { return .init(status: 404) }
            guard request.header("Authorization") == login.basicAuthorization else {
                return .init(status: 401, body: #"{"errors":[{"code":"UNAUTHORIZED","message":"invalid credentials"}]}"#)
            }
            guard request.query("service") == [service] else { return .init(status: 400, body: #"{"errors":[{"code":"DENIED","message":"wrong service"}]}"#) }
            guard let token = try? issuer.token(subject: login.username, scopes: request.query("scope")) else { return .init(status: 500) }
            return .init(
                status: 200, body: #"{"token":"\#(token)","access_token":"\#(token)","expires_in":300}"#, headers: [("Content-Type", "application/json")])
        }
        let port = RegistryFixture.freePort()
        let config = """
            version: 0.1
            log: {level: warn}
            storage: {filesystem: {rootdirectory: \(directory.appendingPathComponent("data").path)}}
            http: {addr: "127.0.0.1:\(port)"}
            auth:
              token: {realm: "\(tokenServer.baseURL)/token", service: \(service), issuer: \(issuerName), rootcertbundle: \(certPath)}
            """
        let configPath = directory.appendingPathComponent("registry.yml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = directory.appendingPathComponent("registry.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: registryBinary)
        process.arguments = ["serve", configPath]
        process.standardOutput = log
        process.standardError = log
        let launched = ContinuousClock.now
        try process.run()
        let pid = process.processIdentifier
        defer {
            // By PID, in all cases: SIGTERM, then SIGKILL after 5 s.
            if process.isRunning { kill(pid, SIGTERM) }
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
            try? log.close()
        }

        let fixture = TokenRegistryFixture(
            registry: Fixtures.registry(name: "token", kind: .v2, url: "127.0.0.1:\(port)", plainHTTP: true, username: login.username), issuer: issuer,
            tokenServer: tokenServer, baseURL: "http://127.0.0.1:\(port)")
        do {
            try await waitUntilServing(fixture.baseURL, process: process, logPath: logPath)
            print("[figures] token-auth docker-registry (pid \(pid)) serving after \(Fixtures.milliseconds(ContinuousClock.now - launched)) ms")
            try await body(fixture)
        } catch {
            await tokenServer.close()
            throw error
        }
        await tokenServer.close()
    }

    /// Waits up to 10 s for `GET /v2/` to answer 401 (the registry serves and wants a token).
    private static func waitUntilServing(_ baseURL: String, process: Process, logPath: String) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw FixtureError("docker-registry exited: \(logTail(logPath))") }
            if let response = try? await Fixtures.httpClient.execute(HTTPClientRequest(url: "\(baseURL)/v2/"), timeout: .seconds(1)),
                response.status.code == 401
            {
                _ = try? await response.body.collect(upTo: 1 << 16)
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError("docker-registry not serving after 10 s: \(logTail(logPath))")
    }

    private static func logTail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(2000))
    }

    /// Runs a command to completion; a non-zero exit is an error.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
