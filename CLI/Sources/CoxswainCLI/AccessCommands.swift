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
            let caFile = global.trustedCAFile(environment: environment).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let client = GatewayClient(endpoint: .http(base: url, token: nil), caFile: caFile)
            defer { Task { await client.shutdown() } }
            let response = try await client.post(APIRoute.login.path, body: LoginRequest(user: user, password: password), as: LoginResponse.self)
            let team = global.team ?? (response.teams.count == 1 ? response.teams[0].team : nil)
            try SavedSession(url: url, session: response.session, user: user, team: team, expiresAt: response.expiresAt, caFile: caFile).save(
                environment: environment)
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
        @Option(help: "How long the invitation stays valid: seconds or 30m, 12h, 7d (default 7 days).") var expiresIn: DurationArgument?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let invitation = try await client.post(
                    APIRoute.invite.path, body: InviteRequest(role: role, expiresInSeconds: expiresIn?.seconds), as: InvitationResponse.self)
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
