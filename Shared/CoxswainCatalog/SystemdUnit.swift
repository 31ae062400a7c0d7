/// A systemd service unit for one Coxswain executable, as `coxswain systemd KIND` writes it.
///
/// ```ini
/// [Unit]
/// Description=Coxswain gateway (HTTP API and operator socket)
/// Wants=network-online.target rabbitmq-server.service postgresql.service
/// After=network-online.target rabbitmq-server.service postgresql.service
///
/// [Service]
/// ExecStart=/usr/local/bin/coxswain-gateway --config-file /etc/coxswain/config.yaml
/// User=coxswain
/// Group=coxswain
/// RuntimeDirectory=coxswain
/// Restart=on-failure
/// RestartSec=2
/// LimitNOFILE=65536
/// NoNewPrivileges=yes
/// ProtectSystem=strict
/// …
///
/// [Install]
/// WantedBy=multi-user.target
/// ```
///
/// The central services (gateway, scheduler, audit, bootstrapper) run as a dedicated user
/// (`User=`, default `coxswain`) with `Group=` set to the gateway socket's group, so that
/// services and the operators in that group may use the gateway's socket; the gateway also gets
/// `RuntimeDirectory=coxswain` (`/run/coxswain`, where its socket lives). They want and start after
/// `rabbitmq-server.service` and `postgresql.service` when those run on the same machine (a
/// missing unit is ignored by systemd), and are hardened where that breaks nothing:
/// ``hardening`` lists the options per service. The deployer runs jobs as root on its node
/// (packages, services, reboots, containers), so it stays root and unhardened, and is only
/// ordered after a local broker (never pulling one in).
/// `ExecStart=` arguments are quoted and escaped (`%` → `%%`, `$` → `$$`) as systemd needs.
package struct SystemdUnit: Sendable, Equatable {
    /// The group of the gateway socket, when none is given.
    package static let defaultGroup = "coxswain"
    /// The user the central services run as, when none is given.
    package static let defaultUser = "coxswain"

    /// The executable the unit runs.
    package var kind: SystemdServiceKind
    /// The executable's absolute path.
    package var binaryPath: String
    /// The absolute path of the configuration file passed with `--config-file`.
    package var configPath: String
    /// The unit's `Group=`.
    package var group: String
    /// The unit's `User=` for a central service (the deployer runs as root and has none).
    package var user: String

    /// A unit for `kind`.
    ///
    /// - Parameters:
    ///   - kind: The executable.
    ///   - binaryPath: Its absolute path (the real path of the installed binary).
    ///   - configPath: The absolute path of its configuration file.
    ///   - group: The gateway socket's group.
    ///   - user: The user a central service runs as (ignored for the deployer, which runs as root).
    /// - Throws: ``SystemdUnitError`` for a relative path, a control character, or an invalid
    ///   user or group name.
    package init(
        kind: SystemdServiceKind, binaryPath: String, configPath: String, group: String = defaultGroup, user: String = defaultUser
    ) throws(SystemdUnitError) {
        for (what, path) in [("binary path", binaryPath), ("config path", configPath)] {
            guard !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { throw .controlCharacter(what: what) }
            guard path.hasPrefix("/") else { throw .relativePath(what: what, path: path) }
        }
        guard Self.isValidGroup(group) else { throw .invalidGroup(group) }
        guard Self.isValidGroup(user) else { throw .invalidUser(user) }
        self.kind = kind
        self.user = user
        self.binaryPath = binaryPath
        self.configPath = configPath
        self.group = group
    }

    /// The unit's file name: `coxswain-gateway.service`.
    package var fileName: String { "\(kind.executableName).service" }

    /// The units a central service wants and starts after when they exist on the machine.
    package static let infrastructureUnits = ["rabbitmq-server.service", "postgresql.service"]

    /// The unit file's text, ending with a line break.
    package var text: String {
        var service = ["ExecStart=\([binaryPath, "--config-file", configPath].map(Self.quoted).joined(separator: " "))"]
        if kind != .deployer { service.append("User=\(user)") }
        service.append("Group=\(group)")
        if kind == .gateway { service.append("RuntimeDirectory=coxswain") }
        service += ["Restart=on-failure", "RestartSec=2", "LimitNOFILE=\(kind.openFileLimit)"]
        service += Self.hardening(kind)
        // A node's agent talks to a remote broker: it is ordered after a local one but never pulls one in.
        let wants = kind == .deployer ? ["network-online.target"] : ["network-online.target"] + Self.infrastructureUnits
        let after = kind == .deployer ? ["network-online.target", "rabbitmq-server.service"] : ["network-online.target"] + Self.infrastructureUnits
        let lines =
            [
                "[Unit]", "Description=\(kind.summary)", "Wants=\(wants.joined(separator: " "))", "After=\(after.joined(separator: " "))", "",
                "[Service]",
            ]
            + service + ["", "[Install]", "WantedBy=multi-user.target"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The sandboxing options of a service: none for the deployer (it runs any job as root: package
    /// installs, `/etc`, setuid tools, reboots, containers). The central services keep a private
    /// `/tmp`, no new privileges, no kernel tunables, modules or control groups. The gateway,
    /// scheduler and audit see the file system read-only (`ProtectSystem=strict`; the gateway
    /// writes only its socket under `RuntimeDirectory`) and no home directories; the bootstrapper
    /// keeps `ProtectSystem=full` and home directories (it reads SSH keys and `known_hosts`).
    package static func hardening(_ kind: SystemdServiceKind) -> [String] {
        guard kind != .deployer else { return [] }
        var options = ["NoNewPrivileges=yes", "PrivateTmp=yes", "PrivateDevices=yes"]
        if kind == .bootstrapper {
            options.append("ProtectSystem=full")
        } else {
            options += ["ProtectSystem=strict", "ProtectHome=yes"]
        }
        options += [
            "ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectControlGroups=yes", "RestrictSUIDSGID=yes", "RestrictRealtime=yes",
            "LockPersonality=yes",
        ]
        return options
    }

    /// One `ExecStart=` word: `%` and `$` doubled (systemd would expand them), and the word
    /// double-quoted, with `\` and `"` escaped, unless it has only plain path characters.
    static func quoted(_ word: String) -> String {
        let escaped = word.replacingAll("%", with: "%%").replacingAll("$", with: "$$")
        let plain = escaped.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "/._-+:,=@%$".unicodeScalars.contains(scalar))
        }
        if plain && !escaped.isEmpty { return escaped }
        return "\"" + escaped.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }

    /// A POSIX-style user or group name: a letter or `_`, then letters, digits, `_`, `-`, `.`;
    /// at most 32 characters.
    static func isValidGroup(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, (1...32).contains(name.unicodeScalars.count), first.isASCII,
            first.properties.isAlphabetic || first == "_"
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "_-.".unicodeScalars.contains($0))
        }
    }
}

extension String {
    /// The text with every `target` replaced by `replacement` (no Foundation needed).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
