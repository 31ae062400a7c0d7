import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain token create|list|revoke`.
package struct TokenCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API tokens (shown once, stored hashed).", subcommands: [Create.self, List.self, Revoke.self])
    package init() {}

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for you in the current team; the secret is printed once.")
        @Argument var name: String
        @Option(help: "Role (at most yours; default yours).") var role: Role?
        @Option(help: "How long it is valid: seconds or 10m, 12h, 30d (default 30 days).") var expiresIn: DurationArgument?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let token = try await client.post(
                    APIRoute.createToken.path, body: CreateTokenRequest(name: name, role: role, expiresInSeconds: expiresIn?.seconds), as: TokenInfo.self)
                if global.output == .table {
                    print("token \(token.id) (\(token.role.rawValue) in \(token.team), expires \(WireCoding.formatDate(token.expiresAt))); shown once:")
                    print(token.secret ?? "")
                } else {
                    try Render.machine(token, format: global.output)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Your tokens in the current team (admins: everyone's), with their last use; never a secret.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let tokens = try await client.get(APIRoute.listTokens.path, as: [TokenInfo].self)
                try global.emit(tokens) { TokenCommand.table($0) }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token, by id, a unique id prefix or its name.")
        @Argument(help: "The token's id, a prefix only it has, or its name (one active token of that name).") var token: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let tokens = try await client.get(APIRoute.listTokens.path, as: [TokenInfo].self)
                let id = try TokenCommand.match(token, in: tokens)
                let answer = try await client.send(.DELETE, APIRoute.revokeToken.path(id: id), body: nil as String?, as: [String: String].self)
                try global.emit(answer) { _ in "revoked token \(id)" }
            }
        }
    }

    /// The table of `token list` and `user show`.
    package static func table(_ tokens: [TokenInfo], now: Date = Date()) -> String {
        Render.table(
            ["ID", "NAME", "USER", "ROLE", "STATUS", "EXPIRES", "LAST USED"],
            tokens.map { [$0.id, $0.name, $0.user, $0.role.rawValue, status($0, now: now), Render.time($0.expiresAt), Render.time($0.lastUsedAt)] })
    }

    /// `active`, `revoked` or `expired`.
    package static func status(_ token: TokenInfo, now: Date) -> String {
        if token.revokedAt != nil { return "revoked" }
        return token.expiresAt <= now ? "expired" : "active"
    }

    /// The id of the token `text` names: an id, a prefix of exactly one id, or the name of
    /// exactly one token that is not revoked.
    package static func match(_ text: String, in tokens: [TokenInfo], now: Date = Date()) throws -> String {
        let lowered = text.lowercased()
        if let exact = tokens.first(where: { $0.id == lowered }) { return exact.id }
        let byName = tokens.filter { $0.name == text && status($0, now: now) != "revoked" }
        let byPrefix = lowered.count >= 4 ? tokens.filter { $0.id.hasPrefix(lowered) } : []
        let candidates = byName.isEmpty ? byPrefix : byName
        guard !candidates.isEmpty else {
            throw ClientError.api(
                status: 404, APIError(error: "unknown_token", reason: "no token with the id, id prefix or name '\(text)' (coxswain token list)"))
        }
        guard candidates.count == 1 else {
            throw ClientError.api(
                status: 409,
                APIError(
                    error: "ambiguous_token",
                    reason: "'\(text)' names \(candidates.count) tokens (\(candidates.map { String($0.id.prefix(8)) }.joined(separator: ", "))); give the id"))
        }
        return candidates[0].id
    }
}
