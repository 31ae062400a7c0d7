/// The contents of an OpenSSH `known_hosts` file, as a pure value: parse the text, check a
/// server's key against it, add entries, and write the text back.
///
/// Supports plain host patterns and comma-separated lists (with `*`/`?` wildcards and `!`
/// negation), `[host]:port` for ports other than 22, hashed `|1|salt|hmac` entries,
/// the `@revoked` marker, comments and blank lines. `@cert-authority` lines are kept but never
/// match (this client does not accept host certificates). Lines it cannot parse are kept
/// verbatim, ignored, and listed in ``invalidLineNumbers``.
package struct KnownHosts: Sendable, Equatable {
    /// One line of the file: a parsed entry, or anything else (kept to write it back unchanged).
    private enum Line: Sendable, Equatable {
        case entry(KnownHostsEntry, text: String)
        case other(String)
    }

    private var lines: [Line]

    /// Parses `known_hosts` text (never fails: unusable lines are ignored).
    package init(_ text: String = "") {
        // "\r\n" is one Character in Swift: both it and "\n" end a line.
        let isLineEnd: (Character) -> Bool = { $0 == "\n" || $0 == "\r\n" }
        var body = Substring(text)
        if let last = body.last, isLineEnd(last) { body.removeLast() }
        lines =
            body.isEmpty
            ? []
            : body.split(omittingEmptySubsequences: false, whereSeparator: isLineEnd).map { line in
                if let entry = KnownHostsEntry(line: line) { return .entry(entry, text: String(line)) }
                return .other(String(line))
            }
    }

    /// The file's text, every line (including comments) as it was read, each ending in a newline.
    package var text: String {
        lines.map { line in
            switch line {
            case .entry(_, let text), .other(let text): text + "\n"
            }
        }.joined()
    }

    /// The key entries, in file order.
    package var entries: [KnownHostsEntry] {
        lines.compactMap { if case .entry(let entry, _) = $0 { entry } else { nil } }
    }

    /// 1-based numbers of lines that are neither blank, a comment nor a valid entry.
    package var invalidLineNumbers: [Int] {
        lines.enumerated().compactMap { index, line in
            guard case .other(let text) = line else { return nil }
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            return trimmed.isEmpty || trimmed.hasPrefix("#") ? nil : index + 1
        }
    }

    /// The name OpenSSH looks up (and hashes) for `host` and `port`: the lower-cased host, or
    /// `[host]:port` when the port is not 22.
    package static func hostKey(host: String, port: Int) -> String {
        let name = host.lowercased()
        return port == 22 ? name : "[\(name)]:\(port)"
    }

    /// What the file says about `key` presented by `host:port`. A revoked key wins over
    /// everything; then an exact match; then a recorded key of the same algorithm means the key
    /// changed; otherwise the key is unknown.
    package func check(host: String, port: Int = 22, key: SSHHostKey) -> HostKeyStatus {
        let matching = entries(for: host, port: port)
        if matching.contains(where: { $0.marker == .revoked && $0.key == key }) { return .revoked }
        let plain = matching.filter { $0.marker == nil }
        if plain.contains(where: { $0.key == key }) { return .known }
        let expected = plain.filter { $0.key.algorithm == key.algorithm }.map(\.key)
        return expected.isEmpty ? .unknown : .changed(expected: expected)
    }

    /// Throws ``SSHError/hostKeyRefused(host:port:fingerprint:expected:reason:)`` unless `key` is
    /// ``HostKeyStatus/known`` for `host:port`: the strict policy, for a host-key verifier.
    package func verify(host: String, port: Int = 22, key: SSHHostKey) throws(SSHError) {
        switch check(host: host, port: port, key: key) {
        case .known:
            return
        case .unknown:
            throw .hostKeyRefused(
                host: host, port: port, fingerprint: key.fingerprint, expected: [],
                reason: "no \(key.algorithm) key on record for this host")
        case .changed(let expected):
            throw .hostKeyRefused(
                host: host, port: port, fingerprint: key.fingerprint, expected: expected.map(\.fingerprint),
                reason: "the host key changed")
        case .revoked:
            throw .hostKeyRefused(
                host: host, port: port, fingerprint: key.fingerprint, expected: [], reason: "the key is marked @revoked")
        }
    }

    /// The algorithms of the keys on record for `host:port`, in file order, without duplicates.
    /// Put them first in ``SSHConfiguration/hostKeyAlgorithms`` so the server presents a key
    /// that can be checked (as `ssh` does), rather than an unknown key of another type.
    package func hostKeyAlgorithms(host: String, port: Int = 22) -> [String] {
        var seen: [String] = []
        for entry in entries(for: host, port: port) where entry.marker == nil && !seen.contains(entry.key.algorithm) {
            seen.append(entry.key.algorithm)
        }
        return seen
    }

    /// A copy with a line for `key` at `host:port` appended; hashed (`|1|salt|hmac` with a fresh
    /// random salt) when `hashed` is `true`.
    package func adding(host: String, port: Int = 22, key: SSHHostKey, hashed: Bool = false) -> KnownHosts {
        let name = Self.hostKey(host: host, port: port)
        let hosts: KnownHostsEntry.Hosts
        if hashed {
            var generator = SystemRandomNumberGenerator()
            let salt = (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            hosts = .hashed(salt: salt, hash: SSHDigest.hmacSHA1(key: salt, message: Array(name.utf8)))
        } else {
            hosts = .patterns([name])
        }
        return adding(KnownHostsEntry(hosts: hosts, key: key))
    }

    /// A copy with `entry` appended.
    package func adding(_ entry: KnownHostsEntry) -> KnownHosts {
        var copy = self
        copy.lines.append(.entry(entry, text: entry.line))
        return copy
    }

    /// A copy without the unmarked lines that apply to `host:port` (whole lines, as
    /// `ssh-keygen -R` does, even when they list other hosts too). `@revoked` lines stay.
    package func removing(host: String, port: Int = 22) -> KnownHosts {
        let name = Self.hostKey(host: host, port: port)
        var copy = self
        copy.lines.removeAll { line in
            guard case .entry(let entry, _) = line else { return false }
            return entry.marker == nil && entry.matches(name: name)
        }
        return copy
    }

    private func entries(for host: String, port: Int) -> [KnownHostsEntry] {
        let name = Self.hostKey(host: host, port: port)
        return entries.filter { $0.matches(name: name) }
    }
}
