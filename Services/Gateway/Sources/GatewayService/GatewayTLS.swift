import Foundation
import HummingbirdTLS

/// Why the Gateway's certificate or key cannot be used, naming the key and the file (never the
/// key's content).
package enum GatewayTLSError: Error, CustomStringConvertible, Equatable {
    /// The file cannot be read.
    case unreadable(key: String, path: String)
    /// The file holds no PEM certificate or key this Gateway can use.
    case invalid(key: String, path: String, reason: String)

    package var description: String {
        switch self {
        case .unreadable(let key, let path): "invalid configuration '\(key)': cannot read \(path)"
        case .invalid(let key, let path, let reason): "invalid configuration '\(key)': \(path) is not a usable PEM file (\(reason))"
        }
    }
}

/// The TLS side of the Gateway's HTTP port: a server configuration from the PEM files of
/// `gateway.tls_certificate` (the certificate, then any intermediates) and `gateway.tls_key`.
/// TLS 1.2 at least; HTTP/1.1 only (ALPN `http/1.1`). The files are read once at start, so a
/// renewed certificate needs a restart.
package enum GatewayTLS {
    /// Reads the certificate chain and key and returns the server configuration.
    ///
    /// - Throws: ``GatewayTLSError`` naming the key whose file is missing or unusable.
    package static func serverConfiguration(certificatePath: String, keyPath: String) throws(GatewayTLSError) -> TLSConfiguration {
        guard FileManager.default.isReadableFile(atPath: certificatePath) else {
            throw .unreadable(key: "gateway.tls_certificate", path: certificatePath)
        }
        guard FileManager.default.isReadableFile(atPath: keyPath) else { throw .unreadable(key: "gateway.tls_key", path: keyPath) }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw .invalid(key: "gateway.tls_certificate", path: certificatePath, reason: "\(error)")
        }
        guard !chain.isEmpty else { throw .invalid(key: "gateway.tls_certificate", path: certificatePath, reason: "no certificate in it") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            // The error names the file format problem, never the key material.
            throw .invalid(key: "gateway.tls_key", path: keyPath, reason: "\(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }
}
