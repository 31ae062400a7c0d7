import ArgumentParser
import CoxswainCore
import Foundation

/// Reads a password: `--password-stdin`, else env `environmentKey`, else a prompt without echo.
func readPassword(fromStdin: Bool, prompt: String, environmentKey: String = "COXSWAIN_PASSWORD") throws -> String {
    if fromStdin {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
        return line
    }
    if let env = ProcessInfo.processInfo.environment[environmentKey], !env.isEmpty { return env }
    guard isatty(STDIN_FILENO) == 1, let entered = getpass(prompt).map({ String(cString: $0) }), !entered.isEmpty else {
        throw ValidationError("a password is needed: type it, pipe it with --password-stdin, or set \(environmentKey)")
    }
    return entered
}

/// `coxswain login`: open a session over HTTP and save it for the next commands.
package struct LoginCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Log in over HTTP; the session is saved (~/.config/coxswain/session.json, mode 0600) for later commands."
    )
    @Option(help: "User name.") var user: String
    @Flag(help: "Read the password from standard input.") var passwordStdin = false
    @OptionGroup var global: GlobalOptions
    package init() {}

    package func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = global.url ?? environment["COXSWAIN_URL"] else { throw ValidationError("login needs --url (or COXSWAIN_URL): sessions are for HTTP") }
        let password = try readPassword(fromStdin: passwordStdin, prompt: "password for \(user): ")
        let global = self.global
        try await global.withClient { _ in
            let client = GatewayClient(endpoint: .http(base: url, token: nil))
            defer { Task { await client.shutdown() } }
            let response = try await client.post(APIRoute.login.path, body: LoginRequest(user: user, password: password), as: LoginResponse.self)
            let team = global.team ?? (response.teams.count == 1 ? response.teams[0].team : nil)
            try SavedSession(url: url, session: response.session, user: user, team: team, expiresAt: response.expiresAt).save(environment: environment)
            if global.output == .table {
                print(
                    "logged in as \(user) until \(WireCoding.formatDate(response.expiresAt)); teams: "
                        + response.teams.map { "\($0.team) (\($0.role.rawValue))" }.joined(separator: ", "))
                if team == nil, response.teams.count > 1 { print("you belong to several teams: add --team NAME to commands (or log in with --team)") }
            } else {
                try Render.machine(response.teams, format: global.output)
            }
        }
    }
}

/// `coxswain logout`.
package struct LogoutCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "logout", abstract: "End the saved session.")
    @OptionGroup var global: GlobalOptions
    package init() {}
    package func run() async throws {
        try await global.withClient { client in
            _ = try await client.send(.POST, APIRoute.logout.path, body: [String: String](), as: [String: String].self)
        }
        SavedSession.remove(environment: ProcessInfo.processInfo.environment)
        print("logged out")
    }
}

/// `coxswain whoami`.
package struct WhoAmICommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Who the gateway thinks you are: actor, team, role.")
    @OptionGroup var global: GlobalOptions
    package init() {}
    package func run() async throws {
        let global = self.global
        try await global.withClient { client in
            let me = try await client.get(APIRoute.whoami.path, as: WhoAmI.self)
            if global.output == .table { print("\(me.actor) in team \(me.team) as \(me.role.rawValue)") } else { try Render.machine(me, format: global.output) }
        }
    }
}

/// `coxswain team …`.
package struct TeamCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Teams and their members.",
        subcommands: [Create.self, List.self, Members.self, Invite.self, Join.self, SetRole.self, RemoveMember.self]
    )
    package init() {}

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team; you become its owner (needs a logged-in user).")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let team = try await client.post(APIRoute.createTeam.path, body: CreateTeamRequest(name: name), as: TeamMembership.self)
                try global.emit(team) { team in "created team \(team.team); you are its owner" }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your teams and your role in each.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let teams = try await client.get(APIRoute.listTeams.path, as: [TeamMembership].self)
                try global.emit(teams) { teams in Render.table(["TEAM", "ROLE"], teams.map { [$0.team, $0.role.rawValue] }) }
            }
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Members of the current team.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let users = try await client.get(APIRoute.listMembers.path, as: [UserInfo].self)
                try global.emit(users) { users in Render.table(["USER", "ROLE"], users.map { [$0.name, $0.role?.rawValue ?? "-"] }) }
            }
        }
    }

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invite someone: prints a one-time invitation (no mail server needed).")
        @Option(help: "viewer, member, admin or owner.") var role: Role = .member
        @Option(help: "Seconds the invitation stays valid (default 7 days).") var expiresIn: Double?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let invitation = try await client.post(
                    APIRoute.invite.path, body: InviteRequest(role: role, expiresInSeconds: expiresIn), as: InvitationResponse.self)
                if global.output == .table {
                    print("invitation to team \(invitation.team) as \(invitation.role.rawValue), valid until \(WireCoding.formatDate(invitation.expiresAt)):")
                    print("  \(invitation.invitation)")
                    print("to accept: \(invitation.accept)")
                } else {
                    try Render.machine(invitation, format: global.output)
                }
            }
        }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept an invitation (creates the user when new).")
        @Argument var invitation: String
        @Option var user: String
        @Flag(help: "Read the password from standard input.") var passwordStdin = false
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let password = try readPassword(fromStdin: passwordStdin, prompt: "password for \(user): ")
            let global = self.global
            try await global.withClient { client in
                let joined = try await client.post(
                    APIRoute.acceptInvitation.path, body: AcceptInvitationRequest(invitation: invitation, user: user, password: password),
                    as: TeamMembership.self)
                try global.emit(joined) { joined in "\(user) joined team \(joined.team) as \(joined.role.rawValue)" }
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a member's role (the last owner cannot be demoted).")
        @Argument var user: String
        @Argument var role: Role
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let member = try await client.send(.PUT, APIRoute.setRole.path(user: user), body: SetRoleRequest(role: role), as: UserInfo.self)
                try global.emit(member) { member in "\(member.name) is now \(member.role?.rawValue ?? "-")" }
            }
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member", abstract: "Remove a member (their tokens are revoked; the last owner cannot leave).")
        @Argument var user: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                _ = try await client.send(.DELETE, APIRoute.removeMember.path(user: user), body: nil as String?, as: [String: String].self)
                print("removed \(user)")
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// `coxswain user create`.
package struct UserCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "user", abstract: "Users.", subcommands: [Create.self])
    package init() {}

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user in the current team (admins; e.g. the local operator on the socket).")
        @Argument var name: String
        @Option(help: "Role in the current team (default member).") var role: Role = .member
        @Flag(help: "Read the password from standard input.") var passwordStdin = false
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let password = try readPassword(fromStdin: passwordStdin, prompt: "password for \(name): ")
            let global = self.global
            try await global.withClient { client in
                let user = try await client.post(
                    APIRoute.createUser.path, body: CreateUserRequest(name: name, password: password, role: role), as: UserInfo.self)
                try global.emit(user) { user in "created user \(user.name) (\(user.role?.rawValue ?? "-"))" }
            }
        }
    }
}

/// `coxswain token create|list|revoke`.
package struct TokenCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API tokens (shown once, stored hashed).", subcommands: [Create.self, List.self, Revoke.self])
    package init() {}

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for you in the current team; the secret is printed once.")
        @Argument var name: String
        @Option(help: "Role (at most yours).") var role: Role?
        @Option(help: "Seconds until it expires (default 30 days).") var expiresIn: Double?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let token = try await client.post(
                    APIRoute.createToken.path, body: CreateTokenRequest(name: name, role: role, expiresInSeconds: expiresIn), as: TokenInfo.self)
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
        static let configuration = CommandConfiguration(abstract: "Tokens of the current team (no secrets).")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let tokens = try await client.get(APIRoute.listTokens.path, as: [TokenInfo].self)
                guard global.output == .table else { return try Render.machine(tokens, format: global.output) }
                print(
                    Render.table(
                        ["ID", "NAME", "USER", "ROLE", "EXPIRES", "REVOKED"],
                        tokens.map {
                            [$0.id, $0.name, $0.user, $0.role.rawValue, Render.time($0.expiresAt), Render.time($0.revokedAt)]
                        }))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token.")
        @Argument var id: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                _ = try await client.send(.DELETE, APIRoute.revokeToken.path(id: id), body: nil as String?, as: [String: String].self)
                print("revoked \(id)")
            }
        }
    }
}
