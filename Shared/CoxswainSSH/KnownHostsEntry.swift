import Foundation

/// One key line of an OpenSSH `known_hosts` file:
/// `[@revoked|@cert-authority] hosts algorithm base64 [comment]`.
package struct KnownHostsEntry: Sendable, Equatable {
    /// The optional first field.
    package enum Marker: String, Sendable {
        /// `@revoked`: the key must never be accepted for the matching hosts.
        case revoked = "@revoked"
        /// `@cert-authority`: a CA key for host certificates (not used by this client, which does
        /// not support host certificates; such lines never match a plain host key).
        case certificateAuthority = "@cert-authority"
    }

    /// The host field.
    package enum Hosts: Sendable, Equatable {
        /// A comma-separated list of patterns: names, addresses, `[host]:port`, with `*` and
        /// `?` wildcards and `!` negation.
        case patterns([String])
        /// A hashed name, `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` (`HashKnownHosts yes`
        /// or `ssh-keygen -H`).
        case hashed(salt: [UInt8], hash: [UInt8])
    }

    /// The marker, if any.
    package var marker: Marker?
    /// The hosts the line applies to.
    package var hosts: Hosts
    /// The key.
    package var key: SSHHostKey
    /// The rest of the line after the key, if any.
    package var comment: String?

    /// Parses one line; `nil` for blank lines, comments and lines that are not a valid entry.
    package init?(line: some StringProtocol) {
        let line = String(line)
        var fields = line.split(maxSplits: 4, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = fields.first, !first.hasPrefix("#") else { return nil }
        if first.hasPrefix("@") {
            guard let marker = Marker(rawValue: first) else { return nil }
            self.marker = marker
            fields.removeFirst()
        } else {
            // Re-split so the comment is everything after the key (maxSplits counted the marker).
            fields = line.split(maxSplits: 3, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        guard fields.count >= 3, let hosts = Self.parseHosts(fields[0]),
            let key = SSHHostKey(algorithm: fields[1], base64: fields[2])
        else { return nil }
        self.hosts = hosts
        self.key = key
        self.comment = fields.count > 3 ? fields[3] : nil
    }

    /// An entry for `hosts` with `key`.
    package init(marker: Marker? = nil, hosts: Hosts, key: SSHHostKey, comment: String? = nil) {
        self.marker = marker
        self.hosts = hosts
        self.key = key
        self.comment = comment
    }

    /// The entry as a `known_hosts` line.
    package var line: String {
        var fields: [String] = []
        if let marker { fields.append(marker.rawValue) }
        switch hosts {
        case .patterns(let patterns):
            fields.append(patterns.joined(separator: ","))
        case .hashed(let salt, let hash):
            fields.append("|1|\(Data(salt).base64EncodedString())|\(Data(hash).base64EncodedString())")
        }
        fields += [key.algorithm, key.base64]
        if let comment { fields.append(comment) }
        return fields.joined(separator: " ")
    }

    /// Whether the line applies to `name`, the lower-cased lookup name (`host`, or
    /// `[host]:port` for ports other than 22), following OpenSSH's `match_hostname`: some
    /// pattern matches and no negated (`!`) pattern does.
    package func matches(name: String) -> Bool {
        switch hosts {
        case .hashed(let salt, let hash):
            return SSHDigest.hmacSHA1(key: salt, message: Array(name.utf8)) == hash
        case .patterns(let patterns):
            var matched = false
            for pattern in patterns {
                let lowered = pattern.lowercased()
                if lowered.hasPrefix("!") {
                    if Self.glob(Array(lowered.utf8.dropFirst()), Array(name.utf8)) { return false }
                } else if Self.glob(Array(lowered.utf8), Array(name.utf8)) {
                    matched = true
                }
            }
            return matched
        }
    }

    private static func parseHosts(_ field: String) -> Hosts? {
        if field.hasPrefix("|") {
            let parts = field.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0].isEmpty, parts[1] == "1",
                let salt = Data(base64Encoded: String(parts[2])), let hash = Data(base64Encoded: String(parts[3])),
                hash.count == 20
            else { return nil }
            return .hashed(salt: Array(salt), hash: Array(hash))
        }
        let patterns = field.split(separator: ",").map(String.init)
        return patterns.isEmpty ? nil : .patterns(patterns)
    }

    /// `*` matches any run of characters, `?` exactly one; everything else literally.
    private static func glob(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0
        var t = 0
        var star: Int?
        var starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                starText = t
                p += 1
            } else if let star {
                p = star + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
