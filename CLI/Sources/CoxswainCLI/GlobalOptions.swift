import ArgumentParser
import Foundation

/// Output formats of every subcommand.
package enum OutputFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case table
    case json
    case yaml
    /// Newline-delimited JSON: one object per line (events as they come when watching).
    case ndjson
}

/// Connection and output options, accepted by every subcommand.
package struct GlobalOptions: ParsableArguments {
    @Option(help: "Gateway UNIX socket (env COXSWAIN_SOCKET; default /run/coxswain/gateway.sock).")
    package var socket: String?

    @Option(help: "Gateway HTTP address instead of the socket, e.g. http://127.0.0.1:8080 (env COXSWAIN_URL).")
    package var url: String?

    @Option(help: "API token for --url (env COXSWAIN_TOKEN).")
    package var token: String?

    @Option(help: "PEM file of the CA (or self-signed certificate) to trust for an https:// --url (env COXSWAIN_CA_FILE).")
    package var caFile: String?

    @Option(help: "Team to act in when your user belongs to several (env COXSWAIN_TEAM).")
    package var team: String?

    @Option(name: .shortAndLong, help: "Output format: table, json, yaml (one document) or ndjson (one object per line; events while watching).")
    package var output: OutputFormat = .table

    @Flag(help: "Do not shorten table cells; print failures' reasons and output in full.")
    package var noTrunc = false

    package init() {}

    /// Flags > environment > the session saved by `coxswain login` > the default socket.
    package func endpoint(environment: [String: String] = ProcessInfo.processInfo.environment) -> GatewayEndpoint {
        if let socket { return .socket(socket) }
        if let url = url ?? environment["COXSWAIN_URL"], !url.isEmpty {
            if let token = token ?? environment["COXSWAIN_TOKEN"] { return .http(base: url, token: token) }
            if let saved = SavedSession.load(environment: environment), saved.url == url { return .session(base: url, secret: saved.session) }
            return .http(base: url, token: nil)
        }
        if let socket = environment["COXSWAIN_SOCKET"] { return .socket(socket) }
        if let saved = SavedSession.load(environment: environment) { return .session(base: saved.url, secret: saved.session) }
        return .socket(environment["COXSWAIN_DEFAULT_SOCKET"] ?? "/run/coxswain/gateway.sock")
    }

    /// The CA file for HTTPS: `--ca-file` > env `COXSWAIN_CA_FILE` > the one saved by `coxswain login`.
    package func trustedCAFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let caFile { return caFile }
        if let env = environment["COXSWAIN_CA_FILE"], !env.isEmpty { return env }
        return SavedSession.load(environment: environment)?.caFile
    }

    /// Prints `value`: `table(value)` for humans, or JSON/YAML for `--output json|yaml`.
    package func emit<T: Encodable>(_ value: T, table: (T) -> String) throws {
        if output == .table { print(table(value)) } else { try Render.machine(value, format: output) }
    }

    /// Runs `body` with a client, and turns client errors into a message and exit code 2.
    package func withClient<T>(_ body: (GatewayClient) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        let client = GatewayClient(
            endpoint: endpoint(), team: team ?? environment["COXSWAIN_TEAM"] ?? SavedSession.load(environment: environment)?.team,
            caFile: trustedCAFile(environment: environment))
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch let error as ClientError {
            await client.shutdown()
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
