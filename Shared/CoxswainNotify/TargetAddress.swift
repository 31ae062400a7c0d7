#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One IPv4 or IPv6 address of a webhook's host, and the range that keeps webhooks away from it.
///
/// Webhook URLs are entered by teams, so without a check a subscription could make the Audit
/// service post to the platform's own APIs (the Gateway, the broker's management port) or to
/// anything else on its networks. ``refusedRange`` names the ranges that are refused unless
/// `notifications.allow_private_targets` is set: loopback, private, link-local, unspecified,
/// shared (CGNAT), multicast and reserved addresses, including the IPv6 forms that embed an
/// IPv4 address (`::ffff:127.0.0.1`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`).
package struct TargetAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in network byte order: 4 bytes (IPv4) or 16 bytes (IPv6).
    package let bytes: [UInt8]

    /// Creates an address from 4 or 16 bytes in network order; `nil` for any other length.
    package init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses an address in standard notation (`192.0.2.1`, `2001:db8::1`, `::ffff:10.0.0.1`);
    /// `nil` for names and for the shorthand forms only the resolver expands (`127.1`, `0x7f.1`,
    /// `2130706433`), which ``TargetResolver`` turns into addresses.
    package init?(_ literal: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// `true` for an IPv6 address.
    package var isIPv6: Bool { bytes.count == 16 }

    /// The address in standard notation (`127.0.0.1`, `::1`).
    package var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(isIPv6 ? AF_INET6 : AF_INET, raw.baseAddress, &text, socklen_t(text.count)) != nil
        }
        return ok ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }

    /// The refused range this address is in, or `nil` for an address webhooks may go to.
    package var refusedRange: RefusedRange? {
        isIPv6 ? Self.classifyIPv6(bytes) : Self.classifyIPv4(bytes[0], bytes[1])
    }

    /// The kinds of address webhooks are kept away from (unless `notifications.allow_private_targets`).
    package enum RefusedRange: String, Sendable, CaseIterable {
        /// `0.0.0.0/8`, `::` (Linux connects `0.0.0.0` to the local host).
        case unspecified
        /// `127.0.0.0/8`, `::1`.
        case loopback
        /// `10/8`, `172.16/12`, `192.168/16`, `fc00::/7` (unique local), `fec0::/10` (site-local).
        case `private`
        /// `169.254/16` (cloud metadata services live here), `fe80::/10`.
        case linkLocal = "link-local"
        /// `100.64.0.0/10`, carrier-grade NAT.
        case sharedAddressSpace = "shared (carrier-grade NAT)"
        /// `224.0.0.0/4`, `ff00::/8`.
        case multicast
        /// `240.0.0.0/4` (with the broadcast address) and IPv4-compatible IPv6 `::a.b.c.d`.
        case reserved
    }

    /// The first two octets decide every refused IPv4 range.
    static func classifyIPv4(_ a: UInt8, _ b: UInt8) -> RefusedRange? {
        switch (a, b) {
        case (0, _): .unspecified
        case (10, _): .private
        case (100, 64...127): .sharedAddressSpace
        case (127, _): .loopback
        case (169, 254): .linkLocal
        case (172, 16...31): .private
        case (192, 168): .private
        case (224...239, _): .multicast
        case (240...255, _): .reserved
        default: nil
        }
    }

    static func classifyIPv6(_ b: [UInt8]) -> RefusedRange? {
        let first12Zero = b[0..<12].allSatisfy { $0 == 0 }
        if first12Zero {
            if b[12..<15].allSatisfy({ $0 == 0 }) {
                if b[15] == 0 { return .unspecified }
                if b[15] == 1 { return .loopback }
            }
            // IPv4-compatible (deprecated): never a legitimate webhook target.
            return classifyIPv4(b[12], b[13]) ?? .reserved
        }
        // IPv4-mapped ::ffff:a.b.c.d and NAT64 64:ff9b::a.b.c.d reach the embedded IPv4 address.
        let mapped = b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xFF && b[11] == 0xFF
        let nat64 = b[0..<12].elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
        if mapped || nat64 { return classifyIPv4(b[12], b[13]) }
        // 6to4 2002:a.b.c.d::/48 tunnels to the embedded IPv4 address.
        if b[0] == 0x20, b[1] == 0x02, let range = classifyIPv4(b[2], b[3]) { return range }
        switch (b[0], b[1] & 0xC0) {
        case (0xFE, 0x80): return .linkLocal
        case (0xFE, 0xC0): return .private
        case (0xFC...0xFD, _): return .private
        case (0xFF, _): return .multicast
        default: return nil
        }
    }
}
