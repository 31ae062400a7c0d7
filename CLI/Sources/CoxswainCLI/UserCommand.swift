import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain user create|list|show|disable|enable|remove|passwd`.
package struct UserCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "user", abstract: "User accounts of the current team.",
        subcommands: [Create.self, List.self, Show.self, Disable.self, Enable.self, Remove.self, Passwd.self]
    )
    package init() {}

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user in the current team (admins; e.g. the local operator on the socket).")
        @Argument var name: String
        @Option(help: "Role in the current team.") var role: Role = .member
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

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The team's users: role, disabled or not, last login and token use (admins).")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let users = try await client.get(APIRoute.listUsers.path, as: [UserAccount].self)
                try global.emit(users) { users in
                    Render.table(
                        ["USER", "ROLE", "STATUS", "CREATED", "LAST LOGIN", "TOKENS", "LAST TOKEN USE"],
                        users.map {
                            [
                                $0.name, $0.role.rawValue, $0.disabled ? "disabled" : "enabled", Render.time($0.createdAt), Render.time($0.lastLoginAt),
                                String($0.activeTokens), Render.time($0.lastTokenUseAt),
                            ]
                        })
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One user and their API tokens in this team (yours, or any member's for admins).")
        @Argument(help: "The user (default: you).") var name: String?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let user = try await client.get(APIRoute.getUser.path(user: try await UserCommand.resolveUser(name, client: client)), as: UserAccount.self)
                try global.emit(user) { user in
                    var lines = [
                        "user:        \(user.name) (\(user.id))",
                        "role:        \(user.role.rawValue)",
                        "status:      \(user.disabled ? "disabled: cannot log in; sessions and tokens do not work" : "enabled")",
                        "created:     \(Render.time(user.createdAt))",
                        "last login:  \(Render.time(user.lastLoginAt))",
                        "tokens:      \(user.activeTokens) active, last used \(Render.time(user.lastTokenUseAt))",
                    ]
                    if let tokens = user.tokens, !tokens.isEmpty { lines += ["", TokenCommand.table(tokens)] }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: no login, their sessions end, their tokens stop working (admins; not the last owner).")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let user = try await client.send(.POST, APIRoute.disableUser.path(user: name), body: [String: String](), as: UserAccount.self)
                try global.emit(user) { user in "disabled \(user.name): they cannot log in and their sessions and tokens do not work" }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again (admins).")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let user = try await client.send(.POST, APIRoute.enableUser.path(user: name), body: [String: String](), as: UserAccount.self)
                try global.emit(user) { user in "enabled \(user.name)" }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a user from the team; their tokens here are revoked, and the account goes with its last team (admins).")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let answer = try await client.send(.DELETE, APIRoute.removeUser.path(user: name), body: nil as String?, as: [String: String].self)
                try global.emit(answer) { _ in "removed \(name)" }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change your password, or (admins) reset a member's.",
            discussion: """
                Your own password needs the current one; your other sessions end. Prompts without echo, or reads \
                COXSWAIN_PASSWORD (current) and COXSWAIN_NEW_PASSWORD, or with --password-stdin the current \
                and the new password on two lines (a reset: the new one only). An admin's reset ends all of \
                the member's sessions; API tokens keep working.
                """
        )
        @Argument(help: "The user (default: you).") var name: String?
        @Flag(help: "Read the passwords from standard input.") var passwordStdin = false
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let me = try await client.get(APIRoute.whoami.path, as: WhoAmI.self)
                let target = name ?? me.user
                guard let target else { throw ValidationError("name the user: the socket's local operator has no password of its own") }
                let own = target == me.user
                let current = own ? try readPassword(fromStdin: passwordStdin, prompt: "current password for \(target): ") : nil
                let new = try readNewPassword(for: target)
                let answer = try await client.send(
                    .PUT, APIRoute.setPassword.path(user: target), body: ChangePasswordRequest(currentPassword: current, newPassword: new),
                    as: [String: String].self)
                try global.emit(answer) { _ in
                    own ? "password changed; your other sessions were ended" : "password of \(target) reset; their sessions were ended"
                }
            }
        }

        func readNewPassword(for user: String) throws -> String {
            let key = "COXSWAIN_NEW_PASSWORD"
            let first = try readPassword(fromStdin: passwordStdin, prompt: "new password for \(user): ", environmentKey: key)
            // Typed at a prompt: typed twice.
            guard !passwordStdin, ProcessInfo.processInfo.environment[key]?.isEmpty ?? true else { return first }
            let again = try readPassword(fromStdin: false, prompt: "new password again: ", environmentKey: key)
            guard first == again else { throw ValidationError("the two new passwords differ; nothing was changed") }
            return first
        }
    }

    /// `name`, or the calling user's own name (from `whoami`).
    static func resolveUser(_ name: String?, client: GatewayClient) async throws -> String {
        if let name { return name }
        guard let me = try await client.get(APIRoute.whoami.path, as: WhoAmI.self).user else {
            throw ValidationError("name the user: the socket's local operator is not a user")
        }
        return me
    }
}
