/// What one job asks a node to do: its verb with the verb's own operands and options, parsed
/// and checked. The options every verb shares are in ``JobOptions``.
package enum VerbCall: Sendable, Equatable, Codable {
    /// `RUN [--no-block] [--retry N] COMMAND`: run `command` with `/bin/sh`. `command` is the
    /// text after the options, byte for byte (quotes, spacing, line breaks, Jinja).
    case run(command: String, noBlock: Bool)
    /// `ARG [--extend-args] KEY VALUE`: cache an argument for templating.
    case arg(key: String, value: YAMLValue, extend: Bool)
    /// `ENV [--extend-args] KEY VALUE`: cache an environment variable for later commands.
    case env(key: String, value: YAMLValue, extend: Bool)
    /// `ADD [--chown U[:G]] [--chmod MODE] [--blueprint] SRC… DEST`: copy files to nodes.
    /// A `destination` ending in `/` is a directory (see ``isDirectory(_:)``); with several
    /// sources it must be one.
    case add(sources: [SourceRef], destination: String, chown: String?, chmod: String?, blueprint: Bool)
    /// `COPY`: the same as `ADD`.
    case copy(sources: [SourceRef], destination: String, chown: String?, chmod: String?, blueprint: Bool)
    /// `WORKDIR [--chown U[:G]] [--chmod MODE] [--recursive] PATH`: create a directory.
    case workdir(path: String, chown: String?, chmod: String?, recursive: Bool)
    /// `CACHEFILE PATH`: load a YAML/JSON file on the node into its argument cache.
    case cachefile(String)
    /// `CACHEEVICT TAG`: evict a cache tag (`all`, `args`, `envs`, `query`, `jobs`,
    /// `parents`, or any other tag).
    case cacheevict(String)
    /// `QUERY [--no-wait] KEY`: publish this node's cached `KEY` to every target's `query` cache.
    case query(key: String, noWait: Bool)
    /// `QUERY_WAIT ITEM [--query-timeout N] [--identity NODE…]`: block until `ITEM` is in the
    /// query cache (of every listed identity, when there are any).
    case queryWait(item: String, timeout: Double, identities: [String])
    /// `JOB_WAIT SHA --identity NODE… [--job-timeout N]`: block until the job with that
    /// fingerprint finished on every listed identity.
    case jobWait(sha: String, identities: [String], timeout: Double)
    /// `WAIT --seconds N | --url URL [--insecure] | --cmd CMD [--retry N] [--retry-wait N]`:
    /// `retry` is the number of extra checks after the first (default 30), `retryWait` the
    /// seconds between them (default 1); both are ignored with `--seconds`.
    case wait(WaitCondition, retry: Int, retryWait: Double)
    /// `QUEUESENTINEL`: mark the end of a node's queue (an operand, if any, is ignored).
    case queueSentinel
    /// `ECHO TEXT`: print `TEXT` (the rest of the string, as written).
    case echo(String)
    /// `SERVICE [--restarted|--stopped] [--enable|--disable] [--daemon-reload] NAME…`.
    case service(services: [String], running: ServiceRunState, enablement: ServiceEnablement?, daemonReload: Bool)
    /// `PKG`/`DNF [--latest|--absent] [--exclude PKG…] [--clear-metadata] PACKAGE…`.
    case pkg(packages: [String], state: PackageState, exclude: [String], clearMetadata: Bool)
    /// `REBOOT [SECONDS]`: reboot after `seconds` (Directord's default 10 when `nil`).
    case reboot(seconds: Int?)
    /// Internal (`coxswain manage --dump-cache NODE`): the node's args, envs and job cache.
    case cacheDump
    /// `FACTER`: run `facter --json` on the node and cache the facts as the arg `facter`.
    case facter
    /// `POD --start|--stop|--rm|--kill|--inspect POD | --play FILE | --exec-run CONTAINER --command WORD…`:
    /// one Podman pod operation through the engine's libpod API.
    case pod(PodCall)
    /// `CONTAINER_IMAGE --pull|--push|--inspect IMAGE… | --tag IMAGE NEW | --list`: images on the node's engine.
    case containerImage(ImageCall)
    /// `SECONTEXT --setype TYPE [--ftype F] [--seuser U] [--selevel L] [--reload BOOL] TARGET`: an SELinux file context.
    case secontext(SEContextCall)
    /// `CONTAINER_CONFIG_DATA --config-path PATH [--config-pattern GLOB] [--config-overrides MAP]`: the
    /// container configs (JSON files, one per container) cached as the arg `configs`, `overrides` merged in.
    case containerConfigData(path: String, pattern: String, overrides: YAMLValue?, debug: Bool)
    /// The job carried `--exec-help`: show ``VerbParser/help(verb:)`` for `verb` instead of
    /// running anything (Directord prints the help and stops the orchestration).
    case execHelp(verb: String)

    /// What `SERVICE` makes of the units' running state.
    package enum ServiceRunState: String, Sendable, Equatable, Codable {
        /// No flag: `systemctl start`.
        case started
        /// `--restarted`: `systemctl restart`.
        case restarted
        /// `--stopped`: `systemctl stop`.
        case stopped
        /// `--reloaded`: `systemctl reload`.
        case reloaded
    }

    /// What `SERVICE` makes of the units' boot-time state.
    package enum ServiceEnablement: String, Sendable, Equatable, Codable {
        /// `--enable`: `systemctl enable`.
        case enable
        /// `--disable`: `systemctl disable`.
        case disable
        /// `--mask`: `systemctl mask` (the units are not started).
        case mask
        /// `--unmask`: `systemctl unmask`.
        case unmask
    }

    /// What `PKG`/`DNF` makes of the packages.
    package enum PackageState: String, Sendable, Equatable, Codable {
        /// No flag: installed, whatever the version.
        case present
        /// `--latest`: installed at the newest version.
        case latest
        /// `--absent`: removed.
        case absent
    }

    /// Whether an `ADD`/`COPY` destination names a directory (it ends in `/`).
    package static func isDirectory(_ destination: String) -> Bool { destination.hasSuffix("/") }
}
