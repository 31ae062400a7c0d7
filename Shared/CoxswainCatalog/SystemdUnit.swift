/// A systemd service unit for one Coxswain executable, as `coxswain systemd KIND` writes it.
///
/// ```ini
/// [Unit]
/// Description=Coxswain gateway (HTTP API and operator socket)
/// Wants=network-online.target
/// After=network-online.target
///
/// [Service]
/// ExecStart=/usr/local/bin/coxswain-gateway --config-file /etc/coxswain/config.yaml
/// Group=coxswain
/// RuntimeDirectory=coxswain
/// Restart=on-failure
/// RestartSec=2
/// LimitNOFILE=65536
///
/// [Install]
/// WantedBy=multi-user.target
/// ```
///
/// Every unit runs with `Group=` set to the gateway socket's group, so that services and the
/// operators in that group may use the gateway's socket; the gateway also gets
/// `RuntimeDirectory=coxswain` (`/run/coxswain`, where its socket lives). No broker or database
/// unit is assumed to run on the same machine, so there is no `Wants=` or `After=` on them.
/// `ExecStart=` arguments are quoted and escaped (`%` → `%%`, `$` → `$$`) as systemd needs.
package struct SystemdUnit: Sendable, Equatable {
    /// The group of the gateway socket, when none is given.
    package static let defaultGroup = "coxswain"

    /// The executable the unit runs.
    package var kind: SystemdServiceKind
    /// The executable's absolute path.
    package var binaryPath: String
    /// The absolute path of the configuration file passed with `--config-file`.
    package var configPath: String
    /// The unit's `Group=`.
    package var group: String

    /// A unit for `kind`.
    ///
    /// - Parameters:
    ///   - kind: The executable.
    ///   - binaryPath: Its absolute path (the real path of the installed binary).
    ///   - configPath: The absolute path of its configuration file.
    ///   - group: The gateway socket's group.
    /// - Throws: ``SystemdUnitError`` for a relative path, a control character, or an invalid
    ///   group name.
    package init(kind: SystemdServiceKind, binaryPath: String, configPath: String, group: String = defaultGroup) throws(SystemdUnitError) {
        for (what, path) in [("binary path", binaryPath), ("config path", configPath)] {
            guard !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { throw .controlCharacter(what: what) }
            guard path.hasPrefix("/") else { throw .relativePath(what: what, path: path) }
        }
        guard Self.isValidGroup(group) else { throw .invalidGroup(group) }
        self.kind = kind
        self.binaryPath = binaryPath
        self.configPath = configPath
        self.group = group
    }

    /// The unit's file name: `coxswain-gateway.service`.
    package var fileName: String { "\(kind.executableName).service" }

    /// The unit file's text, ending with a line break.
    package var text: String {
        var service = [
            "ExecStart=\([binaryPath, "--config-file", configPath].map(Self.quoted).joined(separator: " "))",
            "Group=\(group)",
        ]
        if kind == .gateway { service.append("RuntimeDirectory=coxswain") }
        service += ["Restart=on-failure", "RestartSec=2", "LimitNOFILE=\(kind.openFileLimit)"]
        let lines =
            ["[Unit]", "Description=\(kind.summary)", "Wants=network-online.target", "After=network-online.target", "", "[Service]"]
            + service + ["", "[Install]", "WantedBy=multi-user.target"]
        return lines.joined(separator: "\n") + "\n"
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
