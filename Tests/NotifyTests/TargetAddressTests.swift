import Testing

@testable import CoxswainNotify

@Suite("webhook target addresses")
struct TargetAddressTests {
    typealias Range = TargetAddress.RefusedRange

    @Test(
        "every refused IPv4 range, at its edges",
        arguments: [
            ("0.0.0.0", Range.unspecified), ("0.255.255.255", .unspecified),
            ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
            ("10.0.0.1", .private), ("10.255.255.255", .private),
            ("172.16.0.1", .private), ("172.31.255.255", .private),
            ("192.168.0.1", .private), ("192.168.255.255", .private),
            ("169.254.169.254", .linkLocal), ("169.254.0.0", .linkLocal),
            ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
            ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
            ("240.0.0.1", .reserved), ("255.255.255.255", .reserved),
        ] as [(String, Range)])
    func refusedIPv4(address: String, range: Range) throws {
        #expect(try #require(TargetAddress(address)).refusedRange == range)
    }

    @Test(
        "public IPv4 addresses next to the refused ranges are allowed",
        arguments: [
            "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
            "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255",
        ])
    func publicIPv4(address: String) throws {
        #expect(try #require(TargetAddress(address)).refusedRange == nil)
    }

    @Test(
        "every refused IPv6 range, with IPv4 embedded in mapped, compatible, NAT64 and 6to4 forms",
        arguments: [
            ("::", Range.unspecified), ("::1", .loopback),
            ("fe80::1", .linkLocal), ("febf:ffff::1", .linkLocal),
            ("fc00::1", .private), ("fd12:3456::1", .private), ("fec0::1", .private),
            ("ff02::1", .multicast), ("ff0e::1", .multicast),
            ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("::ffff:10.1.2.3", .private),
            ("::ffff:169.254.169.254", .linkLocal), ("::ffff:0.0.0.0", .unspecified), ("::ffff:100.64.0.1", .sharedAddressSpace),
            ("::ffff:192.168.1.1", .private), ("::ffff:224.0.0.1", .multicast),
            ("::127.0.0.1", .loopback), ("::10.0.0.1", .private), ("::8.8.8.8", .reserved),
            ("64:ff9b::127.0.0.1", .loopback), ("64:ff9b::a9fe:a9fe", .linkLocal),
            ("2002:7f00:1::1", .loopback), ("2002:c0a8:101::1", .private),
        ] as [(String, Range)])
    func refusedIPv6(address: String, range: Range) throws {
        #expect(try #require(TargetAddress(address)).refusedRange == range)
    }

    @Test(
        "public IPv6 addresses are allowed, also with a public IPv4 embedded",
        arguments: ["2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "fbff::1", "fe7f::1"])
    func publicIPv6(address: String) throws {
        #expect(try #require(TargetAddress(address)).refusedRange == nil)
    }

    @Test("only standard notation parses; names and resolver shorthands do not")
    func parsing() throws {
        #expect(try #require(TargetAddress("192.0.2.1")).bytes == [192, 0, 2, 1])
        #expect(try #require(TargetAddress("::1")).bytes == Array(repeating: 0, count: 15) + [1])
        #expect(try #require(TargetAddress("::ffff:127.0.0.1")).description == "::ffff:127.0.0.1")
        #expect(try #require(TargetAddress("2001:db8:0:0:0:0:0:1")).description == "2001:db8::1")
        for text in ["localhost", "example.com", "127.1", "2130706433", "0x7f.0.0.1", "[::1]", "", "1.2.3.4.5"] {
            #expect(TargetAddress(text) == nil, "\(text)")
        }
        #expect(TargetAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test("the resolver turns localhost and shorthand literals into loopback addresses")
    func resolverLoopback() async throws {
        for host in ["localhost", "127.1", "2130706433", "0x7f.0.0.1"] {
            let addresses = try await TargetResolver.resolve(host, timeout: .seconds(5)).get()
            #expect(!addresses.isEmpty, "\(host)")
            #expect(addresses.allSatisfy { $0.refusedRange == .loopback }, "\(host) resolved to \(addresses)")
        }
    }

    @Test("an unknown name is a resolution failure, not an address")
    func resolverUnknown() async {
        let result = await TargetResolver.resolve("no-such-host.invalid", timeout: .seconds(5))
        guard case .failure(let failure) = result else {
            Issue.record("resolved: \(result)")
            return
        }
        #expect(failure.description.hasPrefix("cannot resolve the host"))
    }
}
