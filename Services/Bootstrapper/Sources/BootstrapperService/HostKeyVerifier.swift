import CoxswainAMQP
import CoxswainCore
import CoxswainMessaging
import CoxswainSSH
import CoxswainStore
import Foundation
import Logging

/// Checks a server's host key against the team's known keys (Postgres) and the configured
/// OpenSSH known_hosts file: a known key passes; a changed one is always refused, loudly; an
/// unknown one is refused unless the run accepts new keys (trust on first use, recorded and
/// audited).
struct HostKeyVerifier: Sendable {
    let repository: BootstrapRepository
    let team: TeamID
    let acceptNew: Bool
    let knownHostsFile: String?
    let recordedBy: String
    let publisher: AMQPPublisher
    let logger: Logger

    func verify(host: String, port: Int, key: SSHHostKey) async throws {
        let stored = try await repository.knownKeys(team: team, host: host, port: port)
        var file = KnownHosts()
        if let path = knownHostsFile, let text = try? String(contentsOfFile: path, encoding: .utf8) { file = KnownHosts(text) }
        let fileStatus = file.check(host: host, port: port, key: key)
        if stored.contains(where: { $0.algorithm == key.algorithm && $0.key == key.base64 }), fileStatus != .revoked { return }
        // Any stored key that does not match counts: a server that suddenly offers only another
        // algorithm is as suspicious as a new key of the same one.
        let changedInStore = stored.filter { !($0.algorithm == key.algorithm && $0.key == key.base64) }
        switch fileStatus {
        case .known where changedInStore.isEmpty:
            return
        case .revoked:
            throw SSHError.hostKeyRefused(
                host: host, port: port, fingerprint: key.fingerprint, expected: [], reason: "the key is marked @revoked in \(knownHostsFile ?? "known_hosts")")
        case .changed(let expected):
            logger.critical("HOST KEY CHANGED: refusing the connection", metadata: ["ssh.host": "\(host):\(port)", "ssh.fingerprint": "\(key.fingerprint)"])
            throw SSHError.hostKeyRefused(
                host: host, port: port, fingerprint: key.fingerprint, expected: expected.map(\.fingerprint),
                reason:
                    "REMOTE HOST IDENTIFICATION HAS CHANGED (per \(knownHostsFile ?? "known_hosts")); possible man-in-the-middle. Refused even with --accept-new-host-keys"
            )
        default:
            break
        }
        if !changedInStore.isEmpty {
            let expected = changedInStore.compactMap { SSHHostKey(algorithm: $0.algorithm, base64: $0.key)?.fingerprint }
            logger.critical("HOST KEY CHANGED: refusing the connection", metadata: ["ssh.host": "\(host):\(port)", "ssh.fingerprint": "\(key.fingerprint)"])
            throw SSHError.hostKeyRefused(
                host: host, port: port, fingerprint: key.fingerprint, expected: expected,
                reason:
                    "REMOTE HOST IDENTIFICATION HAS CHANGED; possible man-in-the-middle. Refused even with --accept-new-host-keys; if the host was re-installed, run 'coxswain bootstrap forget-host \(host) --port \(port)'"
            )
        }
        guard acceptNew else {
            throw SSHError.hostKeyRefused(
                host: host, port: port, fingerprint: key.fingerprint, expected: [],
                reason: "unknown host key; check the fingerprint and re-run with --accept-new-host-keys to trust it"
            )
        }
        try await repository.addKnownHost(
            team: team, host: host, port: port, algorithm: key.algorithm, key: key.base64, fingerprint: key.fingerprint, addedBy: recordedBy)
        logger.notice("new host key trusted on first use", metadata: ["ssh.host": "\(host):\(port)", "ssh.fingerprint": "\(key.fingerprint)"])
        let event = AuditEvent(
            teamID: team, time: Date(), actor: "service:bootstrapper", action: "known_host.add", target: "host:\(host):\(port)", outcome: .success,
            requestID: recordedBy, details: ["fingerprint": key.fingerprint, "algorithm": key.algorithm]
        )
        try? await publisher.publish([try OutgoingMessage(event, exchange: Topology.events, routingKey: Topology.RoutingKey.audit("known_host.add"))])
    }
}
