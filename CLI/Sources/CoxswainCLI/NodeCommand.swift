import ArgumentParser
import CoxswainCore
import Foundation

/// `coxswain node add|remove|list|install-script`.
package struct NodeCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "node", abstract: "Enrol and remove nodes (admins).", subcommands: [Add.self, Remove.self, List.self, InstallScript.self, Rekey.self]
    )
    package init() {}

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a pending node; prints its one-time enrolment token.")
        @Argument var name: String
        @Option(help: "A label k=v (repeatable).") var label: [String] = []
        @Option(help: "How long the token stays valid: seconds or 30m, 12h, 1d (default: the gateway's, 1h).") var expiresIn: DurationArgument?
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            var labels: [String: String] = [:]
            for l in label {
                let kv = l.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { throw ValidationError("--label takes k=v, got '\(l)'") }
                labels[kv[0]] = kv[1]
            }
            let global = self.global
            try await global.withClient { client in
                let added = try await client.post(
                    APIRoute.addNode.path, body: AddNodeRequest(name: name, labels: labels, expiresInSeconds: expiresIn?.seconds), as: AddNodeResponse.self)
                if global.output == .table {
                    print("node \(added.node) added (pending); enrolment token, valid until \(added.expiresAt), usable once:")
                    print(added.enrolmentToken)
                    print("start its agent with: \(added.command)")
                } else {
                    try Render.machine(added, format: global.output)
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a node and its broker user.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                _ = try await client.send(.DELETE, APIRoute.removeNode.path(name: name), body: nil as String?, as: [String: String].self)
                print("removed node \(name)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The team's nodes (same as manage --list-nodes).")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            var manage = ManageCommand()
            manage.listNodes = true
            manage.global = global
            try await manage.run()
        }
    }

    struct InstallScript: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install-script", abstract: "Add a pending node and print a shell script that installs and starts its Deployer with the token."
        )
        @Argument var name: String
        @Option(help: "Gateway URL the node enrols with.") var gatewayURL: String
        @Option(help: "Where the coxswain-deployer binary is on the node.") var binary = "/usr/local/bin/coxswain-deployer"
        @Option(help: "State directory on the node.") var stateDir = "/var/lib/coxswain/deployer"
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                let added = try await client.post(APIRoute.addNode.path, body: AddNodeRequest(name: name), as: AddNodeResponse.self)
                print(
                    """
                    #!/bin/sh
                    # Installs and starts the Coxswain Deployer for node \(added.node). The enrolment token works once, until \(added.expiresAt).
                    set -eu
                    install -d -m 0700 \(stateDir)
                    test -x \(binary) || { echo "copy coxswain-deployer to \(binary) first" >&2; exit 1; }
                    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
                      cat > /etc/systemd/system/coxswain-deployer.service <<UNIT
                    [Unit]
                    Description=Coxswain Deployer (node \(added.node))
                    After=network-online.target
                    [Service]
                    ExecStart=\(binary) --node-name \(added.node) --state-dir \(stateDir)
                    Restart=on-failure
                    [Install]
                    WantedBy=multi-user.target
                    UNIT
                      \(binary) --node-name \(added.node) --state-dir \(stateDir) --enrol-token \(added.enrolmentToken) --gateway-url \(gatewayURL) --enrol-only
                      systemctl daemon-reload && systemctl enable --now coxswain-deployer
                    else
                      nohup \(binary) --node-name \(added.node) --state-dir \(stateDir) --enrol-token \(added.enrolmentToken) --gateway-url \(gatewayURL) >> \(stateDir)/deployer.log 2>&1 &
                      echo $! > \(stateDir)/deployer.pid
                    fi
                    """
                )
            }
        }
    }
}

/// `coxswain audit list|export|verify`.
package struct AuditCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The team's tamper-evident audit log.", subcommands: [List.self, Export.self, Verify.self])
    package init() {}

    struct Filters: ParsableArguments {
        @Option(help: "Only records at or after this time: ISO 8601 (2026-12-01, 2026-12-01T10:00:00Z) or that long ago (24h, 7d).")
        var since: TimeArgument?
        @Option(help: "Only records whose actor contains this.") var actor: String?
        @Option(help: "Only records whose action starts with this (job, token, member, node, …).") var action: String?
        @Option(help: "Only records whose target contains this.") var target: String?
        @Option(help: "How many (newest first).") var limit: Int = 100

        func query() -> String {
            var items = ["limit=\(limit)"]
            func add(_ k: String, _ v: String?) {
                if let v, let e = v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { items.append("\(k)=\(e)") }
            }
            add("since", since?.iso8601)
            add("actor", actor)
            add("action", action)
            add("target", target)
            return items.joined(separator: "&")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit records.")
        @OptionGroup var filters: Filters
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let query = filters.query()
            try await global.withClient { client in
                let entries = try await client.get(APIRoute.listAudit.path + "?\(query)", as: [AuditEntry].self)
                guard global.output == .table else { return try Render.machine(entries, format: global.output) }
                print(
                    Render.table(
                        ["SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME"],
                        entries.map {
                            [String($0.seq), Render.time($0.time), $0.actor, $0.action, $0.target, $0.outcome]
                        }))
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export audit records as JSON lines or CSV (--format), or as one JSON/YAML document or NDJSON (--output).")
        @Option(help: "jsonl or csv (with --output table, the default).") var format: String = "jsonl"
        @OptionGroup var filters: Filters
        @OptionGroup var global: GlobalOptions
        func validate() throws {
            guard ["jsonl", "csv"].contains(format) else { throw ValidationError("--format is jsonl or csv") }
            if format == "csv", global.output != .table { throw ValidationError("--format csv cannot go with --output \(global.output.rawValue)") }
        }
        func run() async throws {
            let query = filters.query()
            let format = self.format
            let global = self.global
            try await global.withClient { client in
                guard global.output == .table else {
                    return try Render.machine(try await client.get(APIRoute.listAudit.path + "?\(query)", as: [AuditEntry].self), format: global.output)
                }
                print(try await client.text(APIRoute.listAudit.path + "?\(query)&format=\(format)"), terminator: "")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute the team's hash chain; exit 1 and name the first broken record if tampered.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let intact = try await global.withClient { client -> Bool in
                let v = try await client.get(APIRoute.verifyAudit.path, as: AuditVerification.self)
                if global.output == .table {
                    print(v.intact ? "audit chain intact: \(v.records) records" : "audit chain BROKEN at record \(v.firstBrokenSeq ?? -1): \(v.reason ?? "")")
                } else {
                    try Render.machine(v, format: global.output)
                }
                return v.intact
            }
            if !intact { throw ExitCode(1) }
        }
    }
}

/// `coxswain keys rotate`.
package struct KeysCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(commandName: "keys", abstract: "The control plane's signing key.", subcommands: [Rotate.self])
    package init() {}

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the control-plane signing key without downtime (owners of team default).")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let answer = try await client.send(.POST, APIRoute.rotateKeys.path, body: [String: String](), as: [String: String].self)
                try global.emit(answer) { answer in
                    "new control-plane key \(answer["newKey"] ?? "?"); hand-over sent to \(answer["nodesNotified"] ?? "0") node(s)"
                }
            }
        }
    }
}

extension NodeCommand {
    struct Rekey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a node generate new key pairs and re-register them (admins).")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let failed = try await global.withClient { client -> Bool in
                let accepted = try await client.post(
                    APIRoute.submitJob.path, body: SubmitJobRequest(verb: "REKEY", arguments: "", targets: [name], timeoutSeconds: 60),
                    as: SubmitJobResponse.self)
                let detail = try await JobWatcher(client: client, jobID: accepted.jobID, mode: .wait, format: global.output).run()
                return detail.job.status != .succeeded
            }
            if failed { throw ExitCode(1) }
        }
    }
}

/// `coxswain notification add|list|test|remove`.
package struct NotificationCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "notification", abstract: "Webhooks for the team's events (generic JSON, Slack, Discord).",
        subcommands: [Add.self, List.self, Test.self, Remove.self]
    )
    package init() {}

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe a webhook (admins). Events: \(NotificationInfo.knownEvents.joined(separator: ", ")), 'job.*', '*'."
        )
        @Argument(help: "Webhook URL (kept sealed; shown as scheme://host/…).") var url: String
        @Option(help: "generic, slack or discord.") var format = "generic"
        @Option(name: .customLong("event"), help: "An event type (repeatable).") var events: [String] = []
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            let request = AddNotificationRequest(url: url, format: format, events: events.isEmpty ? ["job.failed", "node.offline"] : events)
            try await global.withClient { client in
                let added = try await client.post(APIRoute.addNotification.path, body: request, as: NotificationInfo.self)
                try global.emit(added) { added in "notification \(added.id): \(added.format) webhook \(added.url) for \(added.events.joined(separator: ", "))" }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The team's webhooks with delivery counts.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let global = self.global
            try await global.withClient { client in
                let list = try await client.get(APIRoute.listNotifications.path, as: [NotificationInfo].self)
                guard global.output == .table else { return try Render.machine(list, format: global.output) }
                print(
                    Render.table(
                        ["ID", "FORMAT", "URL", "EVENTS", "DELIVERED", "PENDING", "FAILED", "LAST ERROR"],
                        list.map {
                            [
                                $0.id, $0.format, $0.url, $0.events.joined(separator: ","), "\($0.delivered)", "\($0.pending)", "\($0.failed)",
                                $0.lastError ?? "-",
                            ]
                        }))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a test event to one webhook (admins).")
        @Argument var id: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                _ = try await client.send(.POST, APIRoute.testNotification.path(id: id), body: [String: String](), as: [String: String].self)
                print("test event queued for \(id); see `coxswain notification list` for its delivery")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a webhook (admins).")
        @Argument var id: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await global.withClient { client in
                _ = try await client.send(.DELETE, APIRoute.removeNotification.path(id: id), body: nil as String?, as: [String: String].self)
                print("removed notification \(id)")
            }
        }
    }
}
