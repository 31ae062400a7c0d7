import CoxswainSSH
import Foundation
import Testing

/// `known_hosts` parsing and checking, pure (plus `ssh-keygen -H` to produce real hashed lines).
struct KnownHostsTests {
    // Three distinct Ed25519 keys and an ECDSA key (public keys made by ssh-keygen).
    static let keyA = SSHHostKey(
        openSSHPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2UGXVprbhbFNTwdXu9z2K0uS1LgGuufn9+3CgSQWun")!
    static let keyB = SSHHostKey(
        openSSHPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILY4SbMyrHq27R06hGz92rmQMvRSRTw4ilzkXvEK97M7")!
    static let keyC = SSHHostKey(
        openSSHPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDdYxnagu4VDiLQNerX+MUKdy1TnDNinRNsxNKHk/NKc")!
    static let ecdsa = SSHHostKey(
        openSSHPublicKey:
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOdYoQ7iT5E4NvAdIpnEcV4L0lVGyJJb04039pzWd/KALcYfW2rb5/mDqJR5IKRcP300sz2bFa9/svdCFmhj4Vc="
    )!

    @Test func plainHostsListsAndPorts() {
        let text = """
            # a comment

            web1.example.com,10.0.0.5 \(Self.keyA.algorithm) \(Self.keyA.base64) first
            [web2.example.com]:2222 \(Self.keyB.algorithm) \(Self.keyB.base64)
            """
        let hosts = KnownHosts(text)
        #expect(hosts.entries.count == 2)
        #expect(hosts.invalidLineNumbers.isEmpty)
        #expect(hosts.check(host: "web1.example.com", key: Self.keyA) == .known)
        #expect(hosts.check(host: "WEB1.example.com", key: Self.keyA) == .known)
        #expect(hosts.check(host: "10.0.0.5", key: Self.keyA) == .known)
        // A plain entry is for port 22 only; a bracketed one for its port only.
        #expect(hosts.check(host: "web1.example.com", port: 2222, key: Self.keyA) == .unknown)
        #expect(hosts.check(host: "web2.example.com", port: 2222, key: Self.keyB) == .known)
        #expect(hosts.check(host: "web2.example.com", key: Self.keyB) == .unknown)
        #expect(hosts.check(host: "web3.example.com", key: Self.keyA) == .unknown)
        #expect(hosts.entries[0].comment == "first")
    }

    @Test func sameAlgorithmDifferentKeyIsChangedOtherAlgorithmIsUnknown() {
        let hosts = KnownHosts("web1 \(Self.keyA.algorithm) \(Self.keyA.base64)\n")
        #expect(hosts.check(host: "web1", key: Self.keyB) == .changed(expected: [Self.keyA]))
        #expect(hosts.check(host: "web1", key: Self.ecdsa) == .unknown)
        #expect(hosts.hostKeyAlgorithms(host: "web1") == ["ssh-ed25519"])
        #expect(throws: SSHError.self) { try hosts.verify(host: "web1", key: Self.keyB) }
        #expect(throws: SSHError.self) { try hosts.verify(host: "web1", key: Self.ecdsa) }
        #expect(throws: Never.self) { try hosts.verify(host: "web1", key: Self.keyA) }
    }

    @Test func verifyReportsTheExpectedFingerprints() {
        let hosts = KnownHosts("[web1]:2200 \(Self.keyA.algorithm) \(Self.keyA.base64)\n")
        do {
            try hosts.verify(host: "web1", port: 2200, key: Self.keyB)
            Issue.record("changed key verified")
        } catch {
            #expect(
                error
                    == .hostKeyRefused(
                        host: "web1", port: 2200, fingerprint: Self.keyB.fingerprint, expected: [Self.keyA.fingerprint],
                        reason: "the host key changed"))
        }
    }

    @Test func revokedKeyIsRefusedEvenWhenAlsoListed() {
        let text = """
            @revoked * \(Self.keyC.algorithm) \(Self.keyC.base64)
            web1 \(Self.keyC.algorithm) \(Self.keyC.base64)
            web1 \(Self.keyA.algorithm) \(Self.keyA.base64)
            """
        let hosts = KnownHosts(text)
        #expect(hosts.entries.first?.marker == .revoked)
        #expect(hosts.check(host: "web1", key: Self.keyC) == .revoked)
        #expect(hosts.check(host: "anything", key: Self.keyC) == .revoked)
        #expect(hosts.check(host: "web1", key: Self.keyA) == .known)
        #expect(throws: SSHError.self) { try hosts.verify(host: "web1", key: Self.keyC) }
    }

    @Test func wildcardsNegationAndCertAuthorityLines() {
        let text = """
            *.prod.example.com,!db?.prod.example.com \(Self.keyA.algorithm) \(Self.keyA.base64)
            @cert-authority *.example.com \(Self.keyB.algorithm) \(Self.keyB.base64)
            """
        let hosts = KnownHosts(text)
        #expect(hosts.check(host: "web7.prod.example.com", key: Self.keyA) == .known)
        #expect(hosts.check(host: "db1.prod.example.com", key: Self.keyA) == .unknown)
        #expect(hosts.check(host: "db12.prod.example.com", key: Self.keyA) == .known)
        // A CA key is not a host key: never known, never "changed".
        #expect(hosts.check(host: "x.example.com", key: Self.keyB) == .unknown)
    }

    @Test func invalidLinesAreKeptAndReported() {
        let text = "garbage\nweb1 ssh-ed25519 not-base64\n@weird web1 \(Self.keyA.algorithm) \(Self.keyA.base64)\n# fine\n\n"
        let hosts = KnownHosts(text)
        #expect(hosts.entries.isEmpty)
        #expect(hosts.invalidLineNumbers == [1, 2, 3])
        #expect(hosts.text == text)
    }

    @Test func textRoundTripsAndAddingAppends() {
        let text = "# header\r\nweb1 \(Self.keyA.algorithm) \(Self.keyA.base64)\n"
        let hosts = KnownHosts(text)
        #expect(hosts.text == "# header\nweb1 \(Self.keyA.algorithm) \(Self.keyA.base64)\n")
        let added = hosts.adding(host: "web2", port: 2022, key: Self.keyB)
        #expect(added.text.hasSuffix("[web2]:2022 ssh-ed25519 \(Self.keyB.base64)\n"))
        #expect(added.check(host: "web2", port: 2022, key: Self.keyB) == .known)
        #expect(KnownHosts(added.text) == added)
        #expect(KnownHosts("").text.isEmpty)
        #expect(KnownHosts().adding(host: "h", key: Self.keyA).text == Self.keyA.knownHostsLine(host: "h") + "\n")
    }

    @Test func addingHashedEntriesHidesTheNameAndStillMatches() {
        let hosts = KnownHosts().adding(host: "Secret.Example.com", port: 2200, key: Self.keyA, hashed: true)
        #expect(!hosts.text.contains("secret"))
        #expect(hosts.text.hasPrefix("|1|"))
        #expect(hosts.check(host: "secret.example.com", port: 2200, key: Self.keyA) == .known)
        #expect(hosts.check(host: "secret.example.com", key: Self.keyA) == .unknown)
        #expect(hosts.check(host: "secret.example.com", port: 2200, key: Self.keyB) == .changed(expected: [Self.keyA]))
        // Two hashes of the same name differ (fresh salt).
        #expect(hosts.adding(host: "secret.example.com", port: 2200, key: Self.keyA, hashed: true).entries.map(\.line).count == 2)
        #expect(Set(hosts.adding(host: "secret.example.com", port: 2200, key: Self.keyA, hashed: true).entries.map(\.line)).count == 2)
    }

    @Test func removingDropsTheHostsLinesButKeepsRevocations() {
        let text = """
            @revoked * \(Self.keyC.algorithm) \(Self.keyC.base64)
            web1,web9 \(Self.keyA.algorithm) \(Self.keyA.base64)
            web2 \(Self.keyB.algorithm) \(Self.keyB.base64)
            """
        let removed = KnownHosts(text).adding(host: "web1", key: Self.ecdsa, hashed: true).removing(host: "web1")
        #expect(removed.entries.count == 2)
        #expect(removed.check(host: "web1", key: Self.keyA) == .unknown)
        #expect(removed.check(host: "web2", key: Self.keyB) == .known)
        #expect(removed.check(host: "web1", key: Self.keyC) == .revoked)
    }

    @Test func hashedLinesFromSSHKeygenMatch() async throws {
        let directory = NSTemporaryDirectory() + "coxswain-known-hosts-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/known_hosts"
        let plain = """
            web1.example.com,192.168.1.10 \(Self.keyA.algorithm) \(Self.keyA.base64)
            [web2.example.com]:2222 \(Self.keyB.algorithm) \(Self.keyB.base64)
            [::1]:24022 \(Self.ecdsa.algorithm) \(Self.ecdsa.base64)

            """
        try plain.write(toFile: path, atomically: true, encoding: .utf8)
        try await TestShell.check(["/usr/bin/ssh-keygen", "-H", "-f", path])
        let hashedText = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!hashedText.contains("example.com"))

        let hosts = KnownHosts(hashedText)
        #expect(hosts.entries.count == 4)  // ssh-keygen -H writes one line per name of a list
        for entry in hosts.entries {
            guard case .hashed = entry.hosts else {
                Issue.record("not hashed: \(entry.line)")
                continue
            }
        }
        #expect(hosts.check(host: "web1.example.com", key: Self.keyA) == .known)
        #expect(hosts.check(host: "192.168.1.10", key: Self.keyA) == .known)
        #expect(hosts.check(host: "web2.example.com", port: 2222, key: Self.keyB) == .known)
        #expect(hosts.check(host: "web2.example.com", key: Self.keyB) == .unknown)
        #expect(hosts.check(host: "::1", port: 24022, key: Self.ecdsa) == .known)
        #expect(hosts.check(host: "web1.example.com", key: Self.keyC) == .changed(expected: [Self.keyA]))
        #expect(hosts.check(host: "web9.example.com", key: Self.keyA) == .unknown)

        // And ssh-keygen finds the hashed lines this type writes.
        let ours = KnownHosts().adding(host: "web3.example.com", port: 2200, key: Self.keyC, hashed: true)
        try ours.text.write(toFile: path, atomically: true, encoding: .utf8)
        let found = try await TestShell.run(["/usr/bin/ssh-keygen", "-F", "[web3.example.com]:2200", "-f", path])
        #expect(found.status == 0)
        #expect(found.output.contains(Self.keyC.base64))
    }
}
