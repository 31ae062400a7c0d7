import CoxswainCLI
import CoxswainCore
import Foundation
import Testing

/// `coxswain token` and `coxswain user`: naming a token, its status, and the transport warning.
@Suite("token and user commands")
struct AccountCommandTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func token(_ id: String, _ name: String, revoked: Bool = false, expired: Bool = false) -> TokenInfo {
        TokenInfo(
            id: id, name: name, user: "alice", team: "default", role: .member, createdAt: now.addingTimeInterval(-3600),
            expiresAt: now.addingTimeInterval(expired ? -60 : 3600), revokedAt: revoked ? now.addingTimeInterval(-10) : nil,
            lastUsedAt: now.addingTimeInterval(-120), secret: nil)
    }

    @Test("a token is named by its id, a unique id prefix, or the name of one token not revoked")
    func matchesTokens() throws {
        let tokens = [
            token("3f2a0000-0000-0000-0000-000000000001", "ci"), token("3f2b0000-0000-0000-0000-000000000002", "ci", revoked: true),
            token("9c010000-0000-0000-0000-000000000003", "deploy"), token("9c020000-0000-0000-0000-000000000004", "deploy"),
        ]
        #expect(try TokenCommand.match("3F2A0000-0000-0000-0000-000000000001", in: tokens, now: now) == "3f2a0000-0000-0000-0000-000000000001")
        #expect(try TokenCommand.match("ci", in: tokens, now: now) == "3f2a0000-0000-0000-0000-000000000001")
        #expect(try TokenCommand.match("3f2b", in: tokens, now: now) == "3f2b0000-0000-0000-0000-000000000002")
        // Two active tokens of one name, a prefix of two ids, too short a prefix, nothing at all.
        for ambiguousOrUnknown in ["deploy", "9c0", "3f2", "nope"] {
            #expect(throws: ClientError.self) { try TokenCommand.match(ambiguousOrUnknown, in: tokens, now: now) }
        }
    }

    @Test("the token table shows status and last use, never a secret")
    func table() {
        var secretHolder = token("3f2a0000-0000-0000-0000-000000000001", "ci")
        secretHolder.secret = "cxt_not_to_be_shown"
        let text = TokenCommand.table([secretHolder, token("b", "old", revoked: true), token("c", "gone", expired: true)], now: now)
        #expect(text.contains("LAST USED") && text.contains("STATUS"))
        #expect(text.contains("active") && text.contains("revoked") && text.contains("expired"))
        #expect(!text.contains("cxt_not_to_be_shown"))
        #expect(TokenCommand.status(token("x", "x"), now: now) == "active")
    }

    @Test("plain HTTP to a host that is not loopback is warned about; loopback, sockets and HTTPS are not")
    func plainHTTPWarning() {
        #expect(GatewayClient.plainHTTPWarning(.http(base: "http://gw.example:28080", token: "t"))?.contains("loopback only") == true)
        #expect(GatewayClient.plainHTTPWarning(.session(base: "http://10.0.0.5:28080", secret: "s")) != nil)
        for quiet: GatewayEndpoint in [
            .http(base: "http://127.0.0.1:28080", token: nil), .http(base: "http://localhost:28080", token: nil), .http(base: "http://[::1]:8080", token: nil),
            .http(base: "https://gw.example:28080", token: nil), .socket("/run/coxswain/gateway.sock"),
        ] {
            #expect(GatewayClient.plainHTTPWarning(quiet) == nil, "\(quiet)")
        }
    }

    @Test("user and token subcommands parse; --expires-in takes units")
    func parsing() throws {
        _ = try UserCommand.parseAsRoot(["list"])
        _ = try UserCommand.parseAsRoot(["show"])
        _ = try UserCommand.parseAsRoot(["disable", "bob"])
        _ = try UserCommand.parseAsRoot(["enable", "bob"])
        _ = try UserCommand.parseAsRoot(["remove", "bob"])
        _ = try UserCommand.parseAsRoot(["passwd", "--password-stdin"])
        _ = try TokenCommand.parseAsRoot(["create", "ci", "--expires-in", "1d"])
        _ = try TokenCommand.parseAsRoot(["revoke", "ci"])
        #expect(throws: (any Error).self) { try TokenCommand.parseAsRoot(["create", "ci", "--expires-in", "soon"]) }
    }
}
