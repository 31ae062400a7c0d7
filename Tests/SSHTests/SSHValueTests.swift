import CoxswainSSH
import Foundation
import Testing

/// Host keys, private key handling and error texts, without a server.
struct SSHValueTests {
    static let ed25519Line =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2UGXVprbhbFNTwdXu9z2K0uS1LgGuufn9+3CgSQWun test@example"

    @Test func hostKeyParsesAPublicKeyLineAndReadsTheAlgorithmFromTheBlob() throws {
        let key = try #require(SSHHostKey(openSSHPublicKey: Self.ed25519Line))
        #expect(key.algorithm == "ssh-ed25519")
        #expect(key.blob.count == 51)
        #expect(key.base64 == "AAAAC3NzaC1lZDI1NTE5AAAAIG2UGXVprbhbFNTwdXu9z2K0uS1LgGuufn9+3CgSQWun")
        #expect(SSHHostKey(blob: key.blob) == key)
        // The algorithm field must agree with the blob.
        #expect(SSHHostKey(algorithm: "ssh-rsa", base64: key.base64) == nil)
        #expect(SSHHostKey(algorithm: "ssh-ed25519", base64: "not base64!") == nil)
        #expect(SSHHostKey(blob: [0, 0, 0]) == nil)
    }

    @Test func knownHostsLineUsesBracketsForNonDefaultPorts() throws {
        let key = try #require(SSHHostKey(openSSHPublicKey: Self.ed25519Line))
        #expect(key.knownHostsLine(host: "Web1.Example.com") == "web1.example.com ssh-ed25519 \(key.base64)")
        #expect(key.knownHostsLine(host: "10.0.0.5", port: 2222) == "[10.0.0.5]:2222 ssh-ed25519 \(key.base64)")
        #expect(key.knownHostsLine(host: "::1", port: 2222) == "[::1]:2222 ssh-ed25519 \(key.base64)")
    }

    @Test func fingerprintEqualsSSHKeygenForEveryKeyType() async throws {
        let directory = NSTemporaryDirectory() + "coxswain-ssh-fp-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (type, bits) in [("ed25519", "256"), ("ecdsa", "256"), ("ecdsa", "384"), ("ecdsa", "521"), ("rsa", "2048")] {
            let path = "\(directory)/\(type)\(bits)"
            try await TestShell.check(["/usr/bin/ssh-keygen", "-q", "-t", type, "-b", bits, "-N", "", "-f", path])
            let output = try await TestShell.check(["/usr/bin/ssh-keygen", "-lf", path + ".pub"])
            let key = try #require(SSHHostKey(openSSHPublicKey: String(contentsOfFile: path + ".pub", encoding: .utf8)))
            #expect(key.fingerprint == String(output.split(separator: " ")[1]), "\(type) \(bits)")
        }
    }

    @Test func privateKeyNeverShowsItsText() throws {
        let text = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END OPENSSH PRIVATE KEY-----\n"
        let key = try SSHPrivateKey(pem: text, passphrase: "hunter2")
        #expect(key.format == .openSSH)
        for shown in [key.description, key.debugDescription, String(describing: key), String(reflecting: key), "\(key)"] {
            #expect(!shown.contains("c2VjcmV0"))
            #expect(!shown.contains("hunter2"))
        }
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("c2VjcmV0"))
        #expect(!dumped.contains("hunter2"))
    }

    @Test func privateKeyFormatsAndRejections() throws {
        #expect(try SSHPrivateKey(pem: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----").format == .rsa)
        #expect(try SSHPrivateKey(pem: "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----").format == .ec)
        #expect(try SSHPrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----").format == .pkcs8)
        #expect(throws: SSHError.self) { try SSHPrivateKey(pem: "ssh-ed25519 AAAA… a public key") }
        #expect(throws: SSHError.self) { try SSHPrivateKey(pem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----") }
        #expect(throws: SSHError.self) { try SSHPrivateKey(pem: "-----BEGIN OPENSSH PRIVATE KEY-----\ntruncated") }
    }

    @Test func errorDescriptionsTellTheOperatorWhatToCheck() {
        let changed = SSHError.hostKeyRefused(
            host: "::1", port: 2222, fingerprint: "SHA256:new", expected: ["SHA256:old"], reason: "the host key changed")
        #expect(changed.description.contains("[::1]:2222"))
        #expect(changed.description.contains("SHA256:new"))
        #expect(changed.description.contains("SHA256:old"))
        let auth = SSHError.authenticationFailed(user: "deploy", host: "web1", allowedMethods: ["publickey"], reason: "the server refused the key")
        #expect(auth.description.contains("deploy@web1"))
        #expect(auth.description.contains("authorized_keys"))
        #expect(SSHError.transferFailed(path: "/opt/x", reason: "r").description.contains("/opt/x"))
        #expect(SSHError.timeout(operation: "command", after: .seconds(1)).isRetriable)
        #expect(!changed.isRetriable)
    }

    @Test func targetDescription() {
        #expect(SSHTarget(host: "web1", username: "deploy").description == "deploy@web1:22")
        #expect(SSHTarget(host: "fe80::1", port: 2200, username: "deploy").description == "deploy@[fe80::1]:2200")
    }
}
