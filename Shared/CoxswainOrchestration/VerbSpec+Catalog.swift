extension VerbSpec {
    /// Every verb Coxswain runs, with Directord 0.12's options (`directord/components/builtin_*.py`
    /// and the shipped `components/*.py` that Directord's own orchestrations use).
    static let catalog: [VerbSpec] = [
        VerbSpec(
            name: "RUN", summary: "Run COMMAND with /bin/sh on every target.", operands: "COMMAND",
            options: [
                .flag("--no-block", "Start the command and do not wait for it (fire and forget)."),
                .value("--retry", "N", "Attempts in all before the job fails (default 1: no retry)."),
            ],
            style: .leading, defaultRetry: 1,
            notes: [
                "Options are read only before COMMAND: the first word that is not one of the options above starts",
                "COMMAND, which is kept exactly as written, so 'RUN curl --retry 5 URL' passes --retry to curl.",
                "Write '--' to start a COMMAND that itself begins with one of these options.",
            ]),
        VerbSpec(
            name: "ARG", summary: "Cache the argument KEY = VALUE on every target, for templates.", operands: "KEY VALUE",
            options: [.flag("--extend-args", "Merge a list or map VALUE into the existing one instead of replacing it.")],
            style: .leading,
            notes: [
                "VALUE is the rest of the string. A literal is read as one: [1, 2], {\"a\": \"b\"}, 42, 1.5, true, null;",
                "'quoted text' loses its quotes; anything else stays text.",
            ]),
        VerbSpec(
            name: "ENV", summary: "Cache the environment variable KEY = VALUE for later commands on every target.",
            operands: "KEY VALUE",
            options: [.flag("--extend-args", "Merge a list or map VALUE into the existing one instead of replacing it.")],
            style: .leading, notes: ["VALUE is read as for ARG."]),
        transfer("ADD"),
        transfer("COPY"),
        VerbSpec(
            name: "WORKDIR", summary: "Create the directory PATH (and its parents) on every target.", operands: "PATH",
            options: [
                .value("--chown", "USER[:GROUP]", "Set the directory's owner and, optionally, group."),
                .value("--chmod", "MODE", "Set the directory's mode (octal such as 0755, or symbolic such as u+rwx)."),
                .flag("--recursive", "Apply --chown/--chmod to everything below PATH too."),
            ],
            operandVars: ["workdir"]),
        VerbSpec(
            name: "CACHEFILE", summary: "Load the YAML or JSON file PATH on each target into its argument cache.",
            operands: "PATH", options: [], operandVars: ["cachefile"]),
        VerbSpec(
            name: "CACHEEVICT", summary: "Evict the cache tag TAG on every target: all, args, envs, query, jobs, parents, or any tag.",
            operands: "TAG", options: [], operandVars: ["cacheevict"]),
        VerbSpec(
            name: "QUERY", summary: "Publish each target's cached argument KEY to every target's 'query' cache.",
            operands: "KEY",
            options: [.flag("--no-wait", "Do not wait for the published value to reach the other targets.")],
            operandVars: ["query"]),
        VerbSpec(
            name: "QUERY_WAIT", summary: "Wait until ITEM is in the query cache (of every IDENTITY, when given).",
            operands: "ITEM",
            options: [
                .value("--query-timeout", "SECONDS", "Give up after SECONDS (default 600)."),
                OptionSpec(flag: "--identity", kind: .values(metavar: "NODE"), help: "Nodes whose query cache must hold ITEM; repeatable."),
            ],
            operandVars: ["item"],
            notes: ["--identity takes every word up to the next option: write ITEM first."]),
        VerbSpec(
            name: "JOB_WAIT", summary: "Wait until the job with fingerprint SHA has finished on every IDENTITY.",
            operands: "SHA",
            options: [
                .value("--job-timeout", "SECONDS", "Give up after SECONDS (default 600)."),
                OptionSpec(flag: "--identity", kind: .values(metavar: "NODE"), help: "Nodes that must have finished the job (required); repeatable."),
            ],
            operandVars: ["sha"],
            notes: ["--identity takes every word up to the next option: write SHA first."]),
        VerbSpec(
            name: "WAIT", summary: "Wait for a condition: a number of seconds, a URL that answers, or a command that succeeds.",
            operands: "",
            options: [
                .value("--seconds", "N", "Sleep for N seconds."),
                .value("--url", "URL", "Wait until URL answers with a 2xx or 3xx status."),
                OptionSpec(flag: "--cmd", kind: .rest(metavar: "CMD"), help: "Wait until CMD (the rest of the string) exits 0."),
                .value("--retry", "N", "Checks after the first before giving up (default 30; not with --seconds)."),
                .value("--retry-wait", "SECONDS", "Pause between checks (default 1; not with --seconds)."),
                .flag("--insecure", "With --url: do not verify the server's TLS certificate."),
            ],
            style: .leading,
            notes: ["Give exactly one of --seconds, --url, --cmd. --cmd must come last: the rest of the string is CMD."]),
        VerbSpec(
            name: "QUEUESENTINEL", summary: "Mark the end of each target's job queue.", operands: "[ANY]", options: []),
        VerbSpec(
            name: "ECHO", summary: "Print TEXT on every target (Directord's example component).", operands: "TEXT",
            options: [], operandVars: ["echo"], style: .leading,
            notes: ["TEXT is the rest of the string after the options, as written."]),
        VerbSpec(
            name: "SERVICE", summary: "Manage systemd units NAME…: start them (the default), restart or stop them.",
            operands: "NAME…",
            options: [
                .flag("--restarted", "Restart the units instead of starting them."),
                .flag("--stopped", "Stop the units instead of starting them."),
                .flag("--reloaded", "Reload the units' configuration instead of starting them."),
                .flag("--enable", "Enable the units at boot."),
                .flag("--disable", "Disable the units at boot."),
                .flag("--mask", "Mask the units (they cannot be started)."),
                .flag("--unmask", "Unmask the units."),
                .flag("--daemon-reload", "Run 'systemctl daemon-reload' first."),
                .value("--retry", "N", "Attempts in all before the job fails (default 3)."),
            ],
            operandVars: ["services"], defaultRetry: 3,
            notes: ["--restarted, --reloaded and --stopped exclude each other, and so do --enable, --disable, --mask and --unmask."]),
        packageManager("PKG"),
        packageManager("DNF"),
        VerbSpec(
            name: "FACTER", summary: "Run facter on every target and cache its facts as the argument 'facter', for templates.",
            operands: "", options: [],
            notes: ["The other args stay; facts are read with facter --json (Debian: apt-get install facter)."]),
        VerbSpec(
            name: "POD",
            summary:
                "Manage Podman pods on every target: start, stop, remove, kill or inspect one, play a Kubernetes YAML file, or run a command in a container.",
            operands: "",
            options: [
                .value("--start", "POD", "Start the pod POD."),
                .value("--stop", "POD", "Stop the pod POD (its containers get their stop timeout, Podman's default 10 s)."),
                .value("--rm", "POD", "Remove the pod POD (with --force also when it runs)."),
                .value("--kill", "POD", "Send --kill-signal to the running containers of the pod POD."),
                .value("--inspect", "POD", "Print the pod POD's state and containers as JSON."),
                .value("--play", "FILE", "Create and start the pods of the Kubernetes YAML file FILE on the node (podman play kube)."),
                .value("--exec-run", "CONTAINER", "Run --command in the running container CONTAINER."),
                OptionSpec(flag: "--command", kind: .values(metavar: "WORD"), help: "The command for --exec-run: every word up to the next option."),
                OptionSpec(
                    flag: "--env", kind: .values(metavar: "KEY=VALUE"),
                    help: "Environment for --exec-run: KEY=VALUE words, each may be a comma-separated list."),
                .flag("--privileged", "Run --exec-run's command with extended privileges."),
                .flag("--force", "With --rm: stop and remove the pod's containers first."),
                .value("--kill-signal", "SIGNAL", "The signal --kill sends (default SIGKILL): a name (TERM, SIGHUP) or a number."),
                .flag("--no-tlsverify", "With --play: pull images over plain HTTP or without verifying certificates."),
                .value("--socket-path", "PATH", "The engine's socket (default: the node's, deployer.container_socket)."),
            ],
            notes: [
                "Give exactly one of --start, --stop, --rm, --kill, --inspect, --play, --exec-run. Pods need Podman's libpod API",
                "(podman system service); an engine that is not Podman is refused. --play reads FILE on the node.",
            ]),
        VerbSpec(
            name: "CONTAINER_IMAGE", summary: "Pull, push, tag, list or inspect container images on every target's engine.",
            operands: "[IMAGE…]",
            options: [
                .flag("--pull", "Pull each IMAGE (progress is streamed)."),
                .flag("--push", "Push each IMAGE to its registry."),
                .flag("--tag", "Tag the first IMAGE as the second: --tag IMAGE NEW."),
                .flag("--list", "List every image on the node (no IMAGE)."),
                .flag("--inspect", "Print each IMAGE's details as JSON."),
                .flag("--no-tlsverify", "Reach the registry over plain HTTP or without verifying its certificate (Podman)."),
                .value("--socket-path", "PATH", "The engine's socket (default: the node's, deployer.container_socket)."),
            ],
            operandVars: ["images"],
            notes: [
                "Give exactly one of --pull, --push, --tag, --list, --inspect. Registry credentials come from the job's secret",
                "environment COXSWAIN_REGISTRY_AUTH (JSON: username, password, serverAddress), for images of that registry.",
            ]),
        VerbSpec(
            name: "SECONTEXT", summary: "Add or modify the SELinux file-context rule for TARGET on every target (semanage fcontext).",
            operands: "TARGET",
            options: [
                .value("--setype", "TYPE", "The SELinux type (required), such as container_file_t."),
                .value("--ftype", "F", "The file type: a (all), b, c, d, f, l, p or s (default: all files)."),
                .value("--seuser", "USER", "The SELinux user (system_u for a new rule)."),
                .value("--selevel", "LEVEL", "The MLS/MCS level (s0 for a new rule)."),
                .value("--reload", "BOOL", "Reload the policy after the change: true or false (default false)."),
            ],
            operandVars: ["target"],
            notes: ["A node without SELinux enabled fails the job saying so."]),
        VerbSpec(
            name: "CONTAINER_CONFIG_DATA",
            summary: "Load the container configs (JSON files, one per container) under PATH on every target into the argument 'configs'.",
            operands: "",
            options: [
                .value("--config-path", "PATH", "A directory of JSON files, or one JSON file (required)."),
                .value("--config-pattern", "GLOB", "Which files of the directory to read (default *.json)."),
                OptionSpec(
                    flag: "--config-overrides", kind: .structured(metavar: "MAP"),
                    help: "A map merged over the configs (maps merged, lists extended), JSON or under vars:."),
                .flag("--debug", "Report every file read on stderr."),
            ],
            notes: [
                "Each file's name without its extension is its key: configs.web is web.json. A PATH that does not exist",
                "loads nothing and succeeds (as in Directord).",
            ]),
        VerbSpec(
            name: "CACHEDUMP", summary: "Return the node's args, envs and job cache as JSON (coxswain manage --dump-cache NODE).",
            operands: "", options: []),
        VerbSpec(
            name: "REBOOT", summary: "Reboot every target after SECONDS (default 10).", operands: "[SECONDS]",
            options: [], operandVars: ["time"]),
    ]

    private static func transfer(_ name: String) -> VerbSpec {
        VerbSpec(
            name: name, summary: "Copy the files SRC… (globs allowed) to DEST on every target.", operands: "SRC… DEST",
            options: [
                .value("--chown", "USER[:GROUP]", "Set the copied files' owner and, optionally, group."),
                .value("--chmod", "MODE", "Set the copied files' mode, in octal (0644, 2755)."),
                .flag("--blueprint", "Render each copied file as a template with the cached arguments."),
            ],
            notes: [
                "Relative SRC paths start at the orchestration file's folder. With several SRC, or a glob matching",
                "several files, DEST must be a directory, written with a trailing '/'. Quote a DEST with spaces.",
            ])
    }

    private static func packageManager(_ name: String) -> VerbSpec {
        VerbSpec(
            name: name, summary: "Install (the default), update or remove the packages PACKAGE… with the node's package manager.",
            operands: "PACKAGE…",
            options: [
                .flag("--latest", "Install or update to the newest version."),
                .flag("--absent", "Remove the packages."),
                OptionSpec(flag: "--exclude", kind: .repeated(metavar: "PACKAGE"), help: "Leave PACKAGE out of the transaction; repeatable."),
                .flag("--clear-metadata", "Clear the package metadata and rebuild the cache first."),
                .value("--retry", "N", "Attempts in all before the job fails (default 3)."),
            ],
            operandVars: ["packages"], defaultRetry: 3,
            notes: ["--latest and --absent exclude each other."])
    }

    /// The spec for a verb, matched without regard to case.
    static func named(_ verb: String) -> VerbSpec? {
        let upper = verb.uppercased()
        return catalog.first { $0.name == upper }
    }
}
