/// A job verb (Directord's vocabulary). The Gateway accepts only verbs listed here; the Deployer
/// executes them through its table of verb handlers, so a new verb is one case here plus one handler.
public enum Verb: String, Codable, Sendable, CaseIterable {
    /// Runs a shell command (`/bin/sh -c`) with a timeout that kills its process group.
    case run = "RUN"
    /// Returns its argument as output; touches nothing on the node.
    case echo = "ECHO"
    /// Stores a value in the node's args (templates see it): `ARG [--extend-args] KEY VALUE`.
    case arg = "ARG"
    /// Stores an environment variable for later RUNs: `ENV [--extend-args] KEY VALUE`.
    case env = "ENV"
    /// Creates a directory: `WORKDIR [--chown U[:G]] [--chmod MODE] PATH`.
    case workdir = "WORKDIR"
    /// Loads a YAML/JSON file on the node into its args: `CACHEFILE PATH`.
    case cachefile = "CACHEFILE"
    /// Forgets args, envs or the job cache: `CACHEEVICT all|args|envs|jobs|KEY`.
    case cacheevict = "CACHEEVICT"
    /// Waits: `WAIT --seconds N | --url URL | --cmd CMD [--retry N --retry-wait S]`.
    case wait = "WAIT"
    /// Manages systemd units: `SERVICE [--restarted|--stopped] [--enable|--disable] [--daemon-reload] NAME…`.
    case service = "SERVICE"
    /// Installs or removes packages with apt-get or dnf: `PKG [--latest|--absent] [--exclude P] [--clear-metadata] PACKAGE…`.
    case pkg = "PKG"
    /// Directord's name for PKG.
    case dnf = "DNF"
    /// Makes the node generate new key pairs and report the public halves (admins only; `coxswain node rekey`).
    case rekey = "REKEY"
    case add = "ADD"
    case copy = "COPY"
    case query = "QUERY"
    case queryWait = "QUERY_WAIT"
    case jobWait = "JOB_WAIT"
    case queueSentinel = "QUEUESENTINEL"
    case reboot = "REBOOT"
    /// Internal: the node returns its args, envs and job cache (`coxswain manage --dump-cache NODE`).
    case cacheDump = "CACHEDUMP"
    /// Runs `facter --json` on the node and caches its facts as the arg `facter` (the other args stay).
    case facter = "FACTER"
    /// Directord's pod verb: start, stop, remove, kill or inspect a Podman pod, play a Kubernetes
    /// YAML file, or run a command in a container (Podman's libpod API on the node's engine).
    case pod = "POD"
    /// Directord's image verb: pull, push, tag, list or inspect images on the node's engine.
    case containerImage = "CONTAINER_IMAGE"
    /// Directord's SELinux file-context verb (`semanage fcontext`); fails where SELinux is not enabled.
    case secontext = "SECONTEXT"
    /// Directord's container-config verb: JSON configs on the node cached as the arg `configs`.
    case containerConfigData = "CONTAINER_CONFIG_DATA"
    /// Internal: one container operation on the node's engine (`coxswain container …`, `coxswain
    /// image …`); its arguments are a `ContainerOperation` as JSON. Submitted only through the
    /// container routes, which check the role each action needs.
    case container = "CONTAINER"
    /// Internal: one try of a deployment on the node (or the removal of its containers); its
    /// arguments are a `DeploymentRollout` as JSON. Submitted only through the deployment routes.
    case deploy = "DEPLOY"

    /// Parses a verb case-insensitively (`run`, `RUN`).
    public init?(parsing raw: String) {
        self.init(rawValue: raw.uppercased())
    }

    /// One line of help, shown by the CLI and in API errors.
    public var summary: String {
        switch self {
        case .run: "RUN CMD: run CMD with /bin/sh -c on each target"
        case .echo: "ECHO TEXT: return TEXT from each target"
        case .rekey: "REKEY: the node generates new key pairs (admins; use `coxswain node rekey NAME`)"
        case .arg: "ARG [--extend-args] KEY VALUE: store a value (YAML literal) in the node's args"
        case .env: "ENV [--extend-args] KEY VALUE: an environment variable for later RUNs"
        case .workdir: "WORKDIR [--chown U[:G]] [--chmod MODE] PATH: create a directory"
        case .cachefile: "CACHEFILE PATH: load a YAML/JSON file on the node into its args"
        case .cacheevict: "CACHEEVICT all|args|envs|jobs|KEY: forget cached state"
        case .wait: "WAIT --seconds N | --url URL | --cmd CMD [--retry N] [--retry-wait S]"
        case .service: "SERVICE [--restarted|--stopped] [--enable|--disable] [--daemon-reload] NAME...: systemd units"
        case .pkg, .dnf: "\(rawValue) [--latest|--absent] [--exclude P] [--clear-metadata] PACKAGE...: apt-get or dnf"
        case .add, .copy: "\(rawValue) [--chown U[:G]] [--chmod MODE] [--blueprint] SRC... DEST: copy files to the nodes"
        case .query: "QUERY [--no-wait] KEY: share each node's arg KEY with every node as query[node][KEY]"
        case .queryWait: "QUERY_WAIT ITEM [--identity N...] [--query-timeout S]: wait for ITEM in the query cache"
        case .jobWait: "JOB_WAIT SHA --identity N... [--job-timeout S]: wait until job SHA finished on those nodes"
        case .queueSentinel: "QUEUESENTINEL: drop every queued, not yet started task on the targets"
        case .reboot: "REBOOT [SECONDS]: reboot the node; its queued work waits for its next heartbeat"
        case .cacheDump: "CACHEDUMP: the node's args, envs and job cache (coxswain manage --dump-cache)"
        case .facter: "FACTER: cache the node's facts (facter --json) as the arg 'facter', for templates"
        case .pod: "POD --start|--stop|--rm|--kill|--inspect POD | --play FILE | --exec-run CONTAINER --command CMD...: Podman pods"
        case .containerImage: "CONTAINER_IMAGE --pull|--push|--inspect IMAGE... | --tag IMAGE NEW | --list: images on the node's engine"
        case .secontext: "SECONTEXT --setype TYPE [--ftype F] [--seuser U] [--selevel L] TARGET: an SELinux file context"
        case .containerConfigData: "CONTAINER_CONFIG_DATA --config-path PATH [--config-pattern GLOB]: JSON container configs as the arg 'configs'"
        case .container: "CONTAINER: a container operation (use `coxswain container …` and `coxswain image …`)"
        case .deploy: "DEPLOY: a deployment's rollout on its node (use `coxswain deployment deploy`)"
        }
    }
}
