import CoxswainCatalog
import Testing

@Suite("systemd units")
struct SystemdUnitTests {
    @Test("the gateway unit runs the binary with its config, in the socket group, with a runtime folder")
    func gateway() throws {
        let unit = try SystemdUnit(kind: .gateway, binaryPath: "/usr/local/bin/coxswain-gateway", configPath: "/etc/coxswain/config.yaml")
        #expect(unit.fileName == "coxswain-gateway.service")
        #expect(
            unit.text == """
                [Unit]
                Description=Coxswain gateway (HTTP API and operator socket)
                Wants=network-online.target
                After=network-online.target

                [Service]
                ExecStart=/usr/local/bin/coxswain-gateway --config-file /etc/coxswain/config.yaml
                Group=coxswain
                RuntimeDirectory=coxswain
                Restart=on-failure
                RestartSec=2
                LimitNOFILE=65536

                [Install]
                WantedBy=multi-user.target

                """)
    }

    @Test("the deployer unit has a lower file limit and no runtime folder; the group can be changed")
    func deployer() throws {
        let unit = try SystemdUnit(
            kind: .deployer, binaryPath: "/opt/coxswain/bin/coxswain-deployer", configPath: "/etc/coxswain/deployer.yaml", group: "ops")
        #expect(unit.fileName == "coxswain-deployer.service")
        #expect(unit.text.contains("\nLimitNOFILE=16384\n"))
        #expect(unit.text.contains("\nGroup=ops\n"))
        #expect(!unit.text.contains("RuntimeDirectory"))
        #expect(unit.text.contains("ExecStart=/opt/coxswain/bin/coxswain-deployer --config-file /etc/coxswain/deployer.yaml\n"))
    }

    @Test("every service has its unit file name and limit; none waits for a broker or a database", arguments: SystemdServiceKind.allCases)
    func everyService(kind: SystemdServiceKind) throws {
        let unit = try SystemdUnit(kind: kind, binaryPath: "/usr/bin/coxswain-\(kind.rawValue)", configPath: "/etc/coxswain/config.yaml")
        #expect(unit.fileName == "coxswain-\(kind.rawValue).service")
        #expect(unit.text.contains("\nLimitNOFILE=\(kind == .deployer ? 16384 : 65536)\n"))
        #expect(unit.text.contains("\nRestart=on-failure\nRestartSec=2\n"))
        #expect(unit.text.contains("\n[Install]\nWantedBy=multi-user.target\n"))
        #expect(!unit.text.contains("rabbitmq") && !unit.text.contains("postgresql"))
        #expect(unit.text.contains("RuntimeDirectory=coxswain") == (kind == .gateway))
    }

    @Test("ExecStart quotes paths with spaces and escapes systemd's % and $")
    func quoting() throws {
        let unit = try SystemdUnit(kind: .audit, binaryPath: "/opt/my tools/coxswain-audit", configPath: "/etc/coxswain/100%$HOME.yaml")
        #expect(unit.text.contains(#"ExecStart="/opt/my tools/coxswain-audit" --config-file /etc/coxswain/100%%$$HOME.yaml"#))
        let quoted = try SystemdUnit(kind: .audit, binaryPath: #"/opt/a"b\c"#, configPath: "/c.yaml")
        #expect(quoted.text.contains(#"ExecStart="/opt/a\"b\\c" --config-file /c.yaml"#))
    }

    @Test("relative paths, line breaks and invalid group names are refused")
    func invalidInput() {
        #expect(throws: SystemdUnitError.relativePath(what: "binary path", path: "coxswain-gateway")) {
            try SystemdUnit(kind: .gateway, binaryPath: "coxswain-gateway", configPath: "/etc/c.yaml")
        }
        #expect(throws: SystemdUnitError.relativePath(what: "config path", path: "config.yaml")) {
            try SystemdUnit(kind: .gateway, binaryPath: "/usr/bin/x", configPath: "config.yaml")
        }
        #expect(throws: SystemdUnitError.controlCharacter(what: "config path")) {
            try SystemdUnit(kind: .gateway, binaryPath: "/usr/bin/x", configPath: "/etc/c.yaml\nExecStartPre=/bin/evil")
        }
        for group in ["", "1abc", "a b", "grp\n", String(repeating: "g", count: 33)] {
            #expect(throws: SystemdUnitError.invalidGroup(group)) {
                try SystemdUnit(kind: .gateway, binaryPath: "/usr/bin/x", configPath: "/etc/c.yaml", group: group)
            }
        }
        #expect(SystemdUnitError.invalidGroup("a b").description.contains("not a valid group name"))
    }
}
