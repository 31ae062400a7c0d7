import CoxswainCatalog
import Testing

@Suite("systemd units")
struct SystemdUnitTests {
    @Test("the gateway unit runs the binary with its config as the coxswain user in the socket group, hardened, after the broker and database")
    func gateway() throws {
        let unit = try SystemdUnit(kind: .gateway, binaryPath: "/usr/local/bin/coxswain-gateway", configPath: "/etc/coxswain/config.yaml")
        #expect(unit.fileName == "coxswain-gateway.service")
        #expect(
            unit.text == """
                [Unit]
                Description=Coxswain gateway (HTTP API and operator socket)
                Wants=network-online.target rabbitmq-server.service postgresql.service
                After=network-online.target rabbitmq-server.service postgresql.service

                [Service]
                ExecStart=/usr/local/bin/coxswain-gateway --config-file /etc/coxswain/config.yaml
                User=coxswain
                Group=coxswain
                RuntimeDirectory=coxswain
                Restart=on-failure
                RestartSec=2
                LimitNOFILE=65536
                NoNewPrivileges=yes
                PrivateTmp=yes
                PrivateDevices=yes
                ProtectSystem=strict
                ProtectHome=yes
                ProtectKernelTunables=yes
                ProtectKernelModules=yes
                ProtectControlGroups=yes
                RestrictSUIDSGID=yes
                RestrictRealtime=yes
                LockPersonality=yes

                [Install]
                WantedBy=multi-user.target

                """)
    }

    @Test("the deployer unit stays root and unhardened (it runs jobs as root), has a lower file limit and no runtime folder")
    func deployer() throws {
        let unit = try SystemdUnit(
            kind: .deployer, binaryPath: "/opt/coxswain/bin/coxswain-deployer", configPath: "/etc/coxswain/deployer.yaml", group: "ops")
        #expect(unit.fileName == "coxswain-deployer.service")
        #expect(unit.text.contains("\nLimitNOFILE=16384\n"))
        #expect(unit.text.contains("\nGroup=ops\n"))
        #expect(!unit.text.contains("RuntimeDirectory"))
        #expect(!unit.text.contains("User=") && !unit.text.contains("NoNewPrivileges") && !unit.text.contains("ProtectSystem"))
        // Ordered after a local broker, never pulling one (or a database) in.
        #expect(unit.text.contains("\nWants=network-online.target\n"))
        #expect(unit.text.contains("\nAfter=network-online.target rabbitmq-server.service\n"))
        #expect(unit.text.contains("ExecStart=/opt/coxswain/bin/coxswain-deployer --config-file /etc/coxswain/deployer.yaml\n"))
    }

    @Test(
        "every service has its unit file name and limit; central services run as their user after the broker and database",
        arguments: SystemdServiceKind.allCases)
    func everyService(kind: SystemdServiceKind) throws {
        let unit = try SystemdUnit(kind: kind, binaryPath: "/usr/bin/coxswain-\(kind.rawValue)", configPath: "/etc/coxswain/config.yaml")
        #expect(unit.fileName == "coxswain-\(kind.rawValue).service")
        #expect(unit.text.contains("\nLimitNOFILE=\(kind == .deployer ? 16384 : 65536)\n"))
        #expect(unit.text.contains("\nRestart=on-failure\nRestartSec=2\n"))
        #expect(unit.text.contains("\n[Install]\nWantedBy=multi-user.target\n"))
        let central = kind != .deployer
        #expect(unit.text.contains("\nWants=network-online.target rabbitmq-server.service postgresql.service\n") == central)
        #expect(unit.text.contains("\nAfter=network-online.target rabbitmq-server.service postgresql.service\n") == central)
        #expect(unit.text.contains("\nUser=coxswain\n") == central)
        for option in ["NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=", "ProtectKernelModules=yes", "RestrictSUIDSGID=yes"] {
            #expect(unit.text.contains("\n" + option) == central, "\(kind): \(option)")
        }
        // The bootstrapper reads SSH keys and known_hosts in home directories.
        #expect(unit.text.contains("\nProtectHome=yes\n") == (central && kind != .bootstrapper))
        #expect(unit.text.contains("\nProtectSystem=full\n") == (kind == .bootstrapper))
        #expect(unit.text.contains("RuntimeDirectory=coxswain") == (kind == .gateway))
    }

    @Test("ExecStart quotes paths with spaces and escapes systemd's % and $")
    func quoting() throws {
        let unit = try SystemdUnit(kind: .audit, binaryPath: "/opt/my tools/coxswain-audit", configPath: "/etc/coxswain/100%$HOME.yaml")
        #expect(unit.text.contains(#"ExecStart="/opt/my tools/coxswain-audit" --config-file /etc/coxswain/100%%$$HOME.yaml"#))
        let quoted = try SystemdUnit(kind: .audit, binaryPath: #"/opt/a"b\c"#, configPath: "/c.yaml")
        #expect(quoted.text.contains(#"ExecStart="/opt/a\"b\\c" --config-file /c.yaml"#))
    }

    @Test("relative paths, line breaks and invalid user or group names are refused")
    func invalidInput() throws {
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
        #expect(throws: SystemdUnitError.invalidUser("root user")) {
            try SystemdUnit(kind: .gateway, binaryPath: "/usr/bin/x", configPath: "/etc/c.yaml", user: "root user")
        }
        let custom = try SystemdUnit(kind: .scheduler, binaryPath: "/usr/bin/x", configPath: "/etc/c.yaml", group: "ops", user: "cxsvc")
        #expect(custom.text.contains("\nUser=cxsvc\nGroup=ops\n"))
    }
}
