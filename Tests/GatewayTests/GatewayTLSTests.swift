import CoxswainConfig
import Foundation
import GatewayService
import Testing

/// HTTPS on the Gateway's HTTP port: the configuration rules and loading the PEM files.
@Suite("gateway TLS configuration")
struct GatewayTLSTests {
    let base = [
        "COXSWAIN_DATABASE_URL": "postgres://u@127.0.0.1:5432/db", "COXSWAIN_AMQP_URL": "amqp://u:p@127.0.0.1:5672/v",
        "COXSWAIN_SECURITY_MASTER_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ]

    func configuration(_ settings: [String: String]) async throws -> GatewayConfiguration {
        let reader = try await ConfigReaderStack(flags: settings, environment: base, configFile: nil)
        return try GatewayConfiguration(reader)
    }

    @Test("plain HTTP is refused on an address that is not loopback, unless allowed; loopback and HTTPS are fine")
    func plainHTTPOnlyOnLoopback() async throws {
        await #expect(throws: ConfigError.self) { try await configuration(["gateway.http_host": "0.0.0.0"]) }
        await #expect(throws: ConfigError.self) { try await configuration(["gateway.http_host": "10.1.2.3"]) }
        #expect(try await configuration([:]).servesHTTPS == false)
        _ = try await configuration(["gateway.http_host": "::1"])
        _ = try await configuration(["gateway.http_host": "0.0.0.0", "gateway.http_port": "0"])
        _ = try await configuration(["gateway.http_host": "0.0.0.0", "gateway.allow_plain_http": "true"])
        let tls = try await configuration(["gateway.http_host": "0.0.0.0", "gateway.tls_certificate": "/c.pem", "gateway.tls_key": "/k.pem"])
        #expect(tls.servesHTTPS)
    }

    @Test("a certificate without its key (or a key without its certificate) is refused naming the missing key")
    func bothFilesNeeded() async throws {
        do {
            _ = try await configuration(["gateway.tls_certificate": "/c.pem"])
            Issue.record("accepted a certificate without a key")
        } catch {
            #expect("\(error)".contains("gateway.tls_key"))
        }
        do {
            _ = try await configuration(["gateway.tls_key": "/k.pem"])
            Issue.record("accepted a key without a certificate")
        } catch {
            #expect("\(error)".contains("gateway.tls_certificate"))
        }
    }

    @Test("missing or invalid PEM files are named by key and path; a real pair loads")
    func loadsPEMFiles() throws {
        let directory = NSTemporaryDirectory() + "gw-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: GatewayTLSError.unreadable(key: "gateway.tls_certificate", path: directory + "/none.pem")) {
            try GatewayTLS.serverConfiguration(certificatePath: directory + "/none.pem", keyPath: directory + "/none.key")
        }
        try "not a certificate\n".write(toFile: directory + "/bad.pem", atomically: true, encoding: .utf8)
        do {
            _ = try GatewayTLS.serverConfiguration(certificatePath: directory + "/bad.pem", keyPath: directory + "/bad.pem")
            Issue.record("accepted a file without a certificate")
        } catch {
            #expect(error.description.contains("gateway.tls_certificate") && error.description.contains("bad.pem"))
        }
        // A self-signed pair made as `make run` makes it.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { return }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", directory + "/gw.key", "-out", directory + "/gw.crt",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        _ = try GatewayTLS.serverConfiguration(certificatePath: directory + "/gw.crt", keyPath: directory + "/gw.key")
        // The key file as the certificate: refused, and the message never holds the key.
        let key = try String(contentsOfFile: directory + "/gw.key", encoding: .utf8)
        do {
            _ = try GatewayTLS.serverConfiguration(certificatePath: directory + "/gw.key", keyPath: directory + "/gw.key")
            Issue.record("accepted a key as the certificate")
        } catch {
            let body = key.split(separator: "\n").dropFirst().first.map(String.init) ?? "-"
            #expect(!error.description.contains(body))
        }
    }
}
