import ArgumentParser
import CoxswainConfig
import CoxswainCore
import Foundation

extension DeploymentCommand {
    /// `coxswain deployment token create|list|revoke`: deploy tokens, which can only deploy (and read)
    /// one deployment, for CI. Admins manage them; a token is shown once and stored hashed.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Deploy tokens (admins): a token that can only deploy and read one deployment, for CI; shown once.",
            discussion: """
                Deploy tokens are for deployments of rolling versions (an incremental version is frozen once deployed: CI makes a \
                new version instead). CI sends the token with the deployment's full id:
                  coxswain --url https://gw.example.com deployment deploy 3f2a9c01-… --token cxd_… --wait
                Examples:
                  coxswain deployment token create 3f2a ci --expires-in 90d
                  coxswain deployment token list 3f2a
                  coxswain deployment token revoke 3f2a ci
                """,
            subcommands: [Create.self, List.self, Revoke.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a deploy token for a deployment (admins); the token is printed once, with how CI uses it.")
            @Argument(help: "The deployment id, or a prefix of it only it has.") var id: String
            @Argument(help: "The token's name, unique in the deployment (e.g. ci).") var name: String
            @Option(help: "How long it is valid: seconds or 30s, 10m, 2h, 30d (1 minute to 366 days; default 30 days).") var expiresIn: String?
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                try DeploymentCommand.validateID(id)
                try Token.validateName(name)
                _ = try Token.lifetime(expiresIn)
            }

            func run() async throws {
                let request = DeployTokenRequest(name: name, expiresInSeconds: try Token.lifetime(expiresIn))
                let global = self.global
                try await DeploymentCommand.withDeployment(id, global) { client, full in
                    let created = try await client.post(APIRoute.createDeployToken.path(id: full), body: request, as: DeployTokenInfo.self)
                    guard global.output == .table else { return try Render.machine(created, format: global.output) }
                    print("deploy token \(created.name) (\(created.id)) for deployment \(full), expires \(Render.time(created.expiresAt)); shown once:")
                    print(created.token ?? "")
                    print("CI deploys with it: coxswain --url \(Token.gatewayURL(global)) deployment deploy \(full) --token \(DeployTokenInfo.prefix)… --wait")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A deployment's deploy tokens (admins; never the tokens themselves).")
            @Argument(help: "The deployment id, or a prefix of it only it has.") var id: String
            @OptionGroup var global: GlobalOptions

            func validate() throws { try DeploymentCommand.validateID(id) }

            func run() async throws {
                let global = self.global
                try await DeploymentCommand.withDeployment(id, global) { client, full in
                    let tokens = try await client.get(APIRoute.listDeployTokens.path(id: full), as: [DeployTokenInfo].self)
                    guard global.output == .table else { return try Render.machine(tokens, format: global.output) }
                    let now = Date()
                    let rows = tokens.map { t in
                        [t.id, t.name, Token.state(t, now: now), t.createdBy, Render.time(t.createdAt), Render.time(t.expiresAt), Render.time(t.lastUsedAt)]
                    }
                    print(Render.table(["ID", "NAME", "STATE", "CREATED BY", "CREATED", "EXPIRES", "LAST USED"], rows))
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a deploy token (admins): by its name or id; CI using it is refused from then on.")
            @Argument(help: "The deployment id, or a prefix of it only it has.") var id: String
            @Argument(help: "The token's name or id (deployment token list shows them).") var nameOrID: String
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                try DeploymentCommand.validateID(id)
                guard !nameOrID.isEmpty, !nameOrID.contains(where: \.isWhitespace) else {
                    throw ValidationError("'\(nameOrID)' is not a deploy token's name or id")
                }
            }

            func run() async throws {
                let global = self.global
                try await DeploymentCommand.withDeployment(id, global) { client, full in
                    let answer = try await client.send(
                        .DELETE, APIRoute.revokeDeployToken.path(["id": full, "token": nameOrID]), body: nil as String?, as: [String: String].self)
                    try global.emit(answer) { _ in "revoked deploy token \(nameOrID) of deployment \(full)" }
                }
            }
        }

        /// Shortest and longest lifetime of a deploy token (the Gateway's limits).
        static let lifetimes = (minimum: 60.0, maximum: 366 * 86_400.0)

        /// `--expires-in` in seconds (nil: the Gateway's default), or a usage error.
        static func lifetime(_ text: String?) throws -> Double? {
            guard let text else { return nil }
            guard let duration = ConfigReaderStack.parseDuration(text) else {
                throw ValidationError("--expires-in '\(text)' is not a duration: seconds or 30s, 10m, 2h, 30d")
            }
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            guard seconds >= lifetimes.minimum, seconds <= lifetimes.maximum else {
                throw ValidationError("--expires-in '\(text)': between 1 minute and 366 days")
            }
            return seconds
        }

        /// A token's name as the Gateway takes it: 1 to 63 letters, digits, '.', '_', '-' or '+', starting with a letter or digit.
        static func validateName(_ name: String) throws {
            let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-+")
            guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.utf8.count <= 63, name.allSatisfy(allowed.contains) else {
                throw ValidationError("'\(name)' is not a token name: 1 to 63 letters, digits, '.', '_', '-' or '+', starting with a letter or digit")
            }
        }

        /// live, expired or revoked.
        static func state(_ token: DeployTokenInfo, now: Date) -> String {
            if token.revokedAt != nil { return "revoked" }
            return token.expiresAt <= now ? "expired" : "live"
        }

        /// The Gateway's HTTP address for the CI hint: the one this command talked to, else a placeholder
        /// (over the UNIX socket the CLI does not know it).
        static func gatewayURL(_ global: GlobalOptions) -> String {
            switch global.endpoint() {
            case .http(let base, _), .session(let base, _): base
            case .socket: "URL"
            }
        }
    }
}
