import CoxswainCatalog
import CoxswainCore

/// What the OpenAPI document says about one route beyond the route table: its area, a summary,
/// the body it reads and the answer it gives, its query and header parameters.
///
/// `APIRoute.documentation` is one exhaustive `switch`: a route added to the table without being
/// documented here does not compile. Request and response bodies name the Codable types the
/// controllers decode and answer with; their schemas are derived from those types
/// (`SchemaRecorder`). The few answers a controller builds as an ad-hoc dictionary are described
/// here by hand (`RouteDocumentation.fields`).
struct RouteDocumentation {
    /// A request or response body.
    enum Body {
        /// JSON of a Codable type (its schema is recorded from the type).
        case json(any Decodable.Type)
        /// JSON of one of several types (`GET /v1/registries/{name}/browse`).
        case oneOf([any Decodable.Type])
        /// JSON the controller builds by hand: the schema given here.
        case schema(JSONValue)
        /// Raw bytes (artifacts, fetched files).
        case octetStream
        /// Server-sent events: each event's name and the type of the JSON object its `data` carries.
        case eventStream([(name: StreamEventName, data: any Decodable.Type)])
        /// The audit log: a JSON array of the type, JSON lines or CSV (`format=`).
        case export(any Decodable.Type)
        /// This document.
        case openAPIDocument
    }

    /// A query parameter.
    struct Query {
        var name: String
        var schema: JSONValue
        var description: String
        var required = false
    }

    /// The areas of the API, one tag each, in the document's order.
    enum Tag: String, CaseIterable {
        case health, access, users, tokens, jobs, nodes, containers, artifacts, bootstrap, audit, notifications, keys, registries, products, deployments

        var description: String {
            switch self {
            case .health: "Liveness, readiness and this document (public)."
            case .access: "Sessions, the caller's identity, teams, members and invitations."
            case .users: "User accounts of the team and passwords."
            case .tokens: "API tokens (Authorization: Bearer)."
            case .jobs: "Jobs: submit, list, show, stream their events, purge."
            case .nodes: "Nodes: enrolment, listing, targeting previews, removal."
            case .containers: "Container operations on the nodes' engines (each a CONTAINER job)."
            case .artifacts: "Content-addressed files the CLI uploads and nodes fetch."
            case .bootstrap: "Bootstrap runs over SSH, SSH credentials and known host keys."
            case .audit: "The team's hash-chained audit log."
            case .notifications: "Webhook subscriptions."
            case .keys: "The control-plane signing key."
            case .registries: "The team's image registries."
            case .products: "Products, their versions and the versions' images."
            case .deployments: "Deployments of versions to nodes, their tries and deploy tokens."
            }
        }
    }

    var tag: Tag
    var summary: String
    var request: Body? = nil
    var response: Body
    /// The status of a successful answer.
    var status = 200
    var query: [Query] = []
    /// Header parameters beyond the credentials (name, description, required).
    var headers: [(name: String, description: String, required: Bool)] = []

    // MARK: Hand-written schemas of ad-hoc answers

    /// An object of string fields (how the controllers' `[String: String]` answers look).
    static func fields(_ required: [String], optional: [String] = [], fixed: [String: [String]] = [:]) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for name in required + optional {
            var schema: JSONValue = ["type": "string"]
            if let values = fixed[name] { schema["enum"] = .array(values.map { .string($0) }) }
            properties[name] = schema
        }
        var schema: JSONValue = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return schema
    }

    /// `{"status": "<value>"}`.
    static func status(_ value: String) -> Body { .schema(fields(["status"], fixed: ["status": [value]])) }

    /// `limit=`: at most `maximum` entries, `defaultValue` when absent.
    static func limit(_ maximum: Int, _ defaultValue: Int) -> Query {
        Query(
            name: "limit", schema: ["type": "integer", "minimum": 1, "maximum": .int(maximum), "default": .int(defaultValue)],
            description: "At most this many entries (1 to \(maximum)).")
    }
}

extension APIRoute {
    /// This route's documentation (one case per route: an undocumented route does not compile).
    var documentation: RouteDocumentation {
        typealias D = RouteDocumentation
        switch self {
        case .health:
            return D(tag: .health, summary: "The process answers", response: .schema(D.fields(["status", "version"], fixed: ["status": ["ok"]])))
        case .ready:
            return D(tag: .health, summary: "Migrated and the database reachable (503 otherwise)", response: D.status("ready"))
        case .openapi:
            return D(tag: .health, summary: "This OpenAPI 3.1 document, generated from the route table", response: .openAPIDocument)

        case .login:
            return D(
                tag: .access, summary: "A session for a user name and password (also set as the coxswain_session cookie)",
                request: .json(LoginRequest.self), response: .json(LoginResponse.self))
        case .logout: return D(tag: .access, summary: "Ends the session the call came with", response: D.status("logged out"))
        case .acceptInvitation:
            return D(
                tag: .access, summary: "Joins a team with a one-time invitation, as a new user or an existing one",
                request: .json(AcceptInvitationRequest.self),
                response: .json(TeamMembership.self))
        case .whoami: return D(tag: .access, summary: "The caller: actor, team, role, user", response: .json(WhoAmI.self))
        case .createTeam:
            return D(
                tag: .access, summary: "A new team, owned by the caller", request: .json(CreateTeamRequest.self), response: .json(TeamMembership.self),
                status: 201)
        case .listTeams: return D(tag: .access, summary: "The caller's teams", response: .json([TeamMembership].self))
        case .listMembers: return D(tag: .access, summary: "The team's members", response: .json([UserInfo].self))
        case .invite:
            return D(
                tag: .access, summary: "A one-time invitation with a role up to the caller's", request: .json(InviteRequest.self),
                response: .json(InvitationResponse.self), status: 201)
        case .setRole: return D(tag: .access, summary: "Changes a member's role", request: .json(SetRoleRequest.self), response: .json(UserInfo.self))
        case .removeMember: return D(tag: .access, summary: "Removes a member from the team", response: D.status("removed"))

        case .createUser:
            return D(
                tag: .users, summary: "A user with a password, made a member of the team", request: .json(CreateUserRequest.self),
                response: .json(UserInfo.self), status: 201)
        case .listUsers: return D(tag: .users, summary: "The team's members with their account state", response: .json([UserAccount].self))
        case .getUser: return D(tag: .users, summary: "An account (your own, or any member's for admins)", response: .json(UserAccount.self))
        case .disableUser: return D(tag: .users, summary: "Disables an account: no login, sessions end, tokens stop", response: .json(UserAccount.self))
        case .enableUser: return D(tag: .users, summary: "Enables a disabled account", response: .json(UserAccount.self))
        case .removeUser: return D(tag: .users, summary: "Removes the member; deletes the account when this was its last team", response: D.status("removed"))
        case .setPassword:
            return D(
                tag: .users, summary: "Changes your password (with the current one) or resets a member's",
                request: .json(ChangePasswordRequest.self), response: D.status("password changed"))

        case .createToken:
            return D(
                tag: .tokens, summary: "An API token of the caller's (the secret is shown once)", request: .json(CreateTokenRequest.self),
                response: .json(TokenInfo.self), status: 201)
        case .listTokens: return D(tag: .tokens, summary: "Your tokens (admins: the team's)", response: .json([TokenInfo].self))
        case .revokeToken: return D(tag: .tokens, summary: "Revokes a token", response: D.status("revoked"))

        case .submitJob:
            return D(
                tag: .jobs, summary: "Submits a job", request: .json(SubmitJobRequest.self), response: .json(SubmitJobResponse.self), status: 202)
        case .listJobs:
            return D(
                tag: .jobs, summary: "The team's jobs, newest first", response: .json([JobSummary].self),
                query: [
                    D.limit(10_000, 50),
                    D.Query(
                        name: "status", schema: ["type": "string"],
                        description: "Comma-separated statuses: \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))."),
                    D.Query(name: "parent", schema: ["type": "string", "format": "uuid"], description: "Only the jobs of this orchestration."),
                ])
        case .getJob: return D(tag: .jobs, summary: "A job with its tasks and output", response: .json(JobDetail.self))
        case .jobEvents:
            return D(
                tag: .jobs, summary: "The job's events as server-sent events until it is complete",
                response: .eventStream([(.job, JobEvent.self), (.output, OutputChunk.self), (.end, JobSummary.self)]), headers: Self.lastEventID)
        case .purgeJobs: return D(tag: .jobs, summary: "Forgets the team's finished jobs", response: .schema(D.fields(["deleted"])))

        case .listNodes: return D(tag: .nodes, summary: "The team's nodes", response: .json([NodeInfo].self))
        case .matchNodes:
            return D(
                tag: .nodes, summary: "The nodes a job with these targeting fields would reach (nothing is submitted)",
                request: .json(MatchNodesRequest.self), response: .json(MatchNodesResponse.self))
        case .addNode:
            return D(
                tag: .nodes, summary: "A pending node and its one-time enrolment token", request: .json(AddNodeRequest.self),
                response: .json(AddNodeResponse.self), status: 201)
        case .removeNode: return D(tag: .nodes, summary: "Removes a node, its broker user and its queue", response: D.status("removed"))
        case .purgeNodes:
            return D(tag: .nodes, summary: "Removes the team's offline nodes", response: .schema(D.fields(["removed"])))
        case .enrol:
            return D(
                tag: .nodes, summary: "A node enrols with its one-time token (the token is the credential)", request: .json(EnrolRequest.self),
                response: .json(EnrolResponse.self))

        case .containerRead, .containerControl, .containerAdmin:
            let actions = ContainerOperation.Action.allCases.filter { APIRoute.containers(for: $0) == self }.map(\.rawValue)
            return D(
                tag: .containers, summary: "Submits a container operation (\(actions.joined(separator: ", "))) as a CONTAINER job",
                request: .json(ContainerOperationRequest.self), response: .json(SubmitJobResponse.self), status: 202)

        case .getArtifact: return D(tag: .artifacts, summary: "Whether the team has an artifact, and its size", response: .json(ArtifactInfo.self))
        case .uploadArtifact:
            return D(
                tag: .artifacts, summary: "Uploads an artifact (the path names the SHA-256 of the body)", request: .octetStream,
                response: .json(ArtifactInfo.self), status: 201)
        case .nodeArtifact:
            return D(
                tag: .artifacts, summary: "A node fetches an artifact its pending task needs, signing the request with its key",
                response: .octetStream,
                headers: [
                    (ArtifactFetch.nodeHeader, "The node's name.", true), (ArtifactFetch.taskHeader, "The pending task's id.", true),
                    (ArtifactFetch.timeHeader, "Unix time of the request (within 5 minutes of the Gateway's).", true),
                    (ArtifactFetch.signatureHeader, "Base64 Ed25519 signature of the node over the request.", true),
                ])

        case .submitBootstrap:
            return D(
                tag: .bootstrap, summary: "Records a bootstrap run and asks the Bootstrapper to execute it",
                request: .json(BootstrapRunRequest.self), response: .json(BootstrapRunAccepted.self), status: 202)
        case .listBootstrap:
            return D(tag: .bootstrap, summary: "The team's bootstrap runs", response: .json([BootstrapRunSummary].self), query: [D.limit(10_000, 50)])
        case .getBootstrap: return D(tag: .bootstrap, summary: "A run with its hosts, steps and files", response: .json(BootstrapRunDetail.self))
        case .bootstrapEvents:
            return D(
                tag: .bootstrap, summary: "The run's progress as server-sent events until it finishes",
                response: .eventStream([(.bootstrap, BootstrapEvent.self), (.end, BootstrapRunSummary.self)]),
                headers: Self.lastEventID)
        case .bootstrapFile:
            return D(
                tag: .bootstrap, summary: "A file a GET step of the run brought back", response: .octetStream,
                query: [
                    D.Query(name: "name", schema: ["type": "string"], description: "The file's local name or remote path.", required: true),
                    D.Query(name: "host", schema: ["type": "string"], description: "The host it came from, when several sent one."),
                ])
        case .addCredential:
            return D(
                tag: .bootstrap, summary: "Stores a named SSH key, sealed", request: .json(SSHCredentialRequest.self),
                response: .schema(D.fields(["name"])), status: 201)
        case .listCredentials: return D(tag: .bootstrap, summary: "The team's SSH credentials (names only)", response: .json([SSHCredentialInfo].self))
        case .removeCredential: return D(tag: .bootstrap, summary: "Removes an SSH credential", response: D.status("removed"))
        case .listKnownHosts: return D(tag: .bootstrap, summary: "The host keys the team trusts", response: .json([KnownHostInfo].self))
        case .forgetKnownHost:
            return D(
                tag: .bootstrap, summary: "Forgets a host's keys (after a legitimate re-install)", response: .schema(D.fields(["removed"])),
                query: [D.Query(name: "port", schema: ["type": "integer", "default": 22], description: "The host's SSH port.")])

        case .listAudit:
            return D(
                tag: .audit, summary: "The team's audit log", response: .export(AuditEntry.self),
                query: [
                    D.Query(name: "since", schema: ["type": "string", "format": "date-time"], description: "Only entries from this time on."),
                    D.Query(name: "actor", schema: ["type": "string"], description: "Only this actor's entries."),
                    D.Query(name: "action", schema: ["type": "string"], description: "Only this action (`job.submit`)."),
                    D.Query(name: "target", schema: ["type": "string"], description: "Only this target."),
                    D.limit(100_000, 100),
                    D.Query(
                        name: "format", schema: ["type": "string", "enum": ["json", "jsonl", "csv"], "default": "json"], description: "The answer's format."),
                ])
        case .verifyAudit: return D(tag: .audit, summary: "Checks the team's hash chain", response: .json(AuditVerification.self))

        case .rotateKeys:
            return D(
                tag: .keys, summary: "Rotates the control-plane key without downtime (owners of team default)",
                response: .schema(D.fields(["newKey", "previousKey", "nodesNotified"])))

        case .addNotification:
            return D(
                tag: .notifications, summary: "Subscribes a webhook to events", request: .json(AddNotificationRequest.self),
                response: .json(NotificationInfo.self), status: 201)
        case .listNotifications: return D(tag: .notifications, summary: "The team's webhooks", response: .json([NotificationInfo].self))
        case .removeNotification: return D(tag: .notifications, summary: "Removes a webhook", response: D.status("removed"))
        case .testNotification:
            return D(
                tag: .notifications, summary: "Queues a test event for one webhook",
                response: .schema(D.fields(["status", "event"], fixed: ["status": ["queued"]])), status: 202)

        case .addRegistry:
            return D(
                tag: .registries, summary: "Adds an image registry", request: .json(RegistryRequest.self), response: .json(RegistryInfo.self), status: 201)
        case .listRegistries: return D(tag: .registries, summary: "The team's registries", response: .json([RegistryInfo].self))
        case .getRegistry: return D(tag: .registries, summary: "A registry", response: .json(RegistryInfo.self))
        case .updateRegistry:
            return D(
                tag: .registries, summary: "Changes a registry (absent fields stay)", request: .json(RegistryRequest.self),
                response: .json(RegistryInfo.self))
        case .removeRegistry: return D(tag: .registries, summary: "Removes a registry", response: D.status("removed"))
        case .checkRegistry:
            return D(tag: .registries, summary: "The registry's answer to the stored credentials", response: .json(RegistryCheckResult.self))
        case .browseRegistry:
            return D(
                tag: .registries, summary: "Repositories, a repository's tags, or one tag's details",
                response: .oneOf([RegistryRepositoryList.self, RegistryTagList.self, RegistryTagDetails.self]),
                query: [
                    D.Query(name: "repository", schema: ["type": "string"], description: "List this repository's tags."),
                    D.Query(name: "tag", schema: ["type": "string"], description: "Show this tag's details (with repository)."),
                    D.limit(10_000, 1000),
                ])

        case .createProduct:
            return D(
                tag: .products, summary: "Creates a product", request: .json(ProductRequest.self), response: .json(ProductInfo.self), status: 201)
        case .listProducts: return D(tag: .products, summary: "The team's products", response: .json([ProductInfo].self))
        case .getProduct: return D(tag: .products, summary: "A product with its versions and their images", response: .json(ProductInfo.self))
        case .updateProduct:
            return D(
                tag: .products, summary: "Renames a product, changes its description or converts it to complex", request: .json(ProductRequest.self),
                response: .json(ProductInfo.self))
        case .removeProduct: return D(tag: .products, summary: "Removes a product (refused while it has deployments)", response: D.status("removed"))
        case .createVersion:
            return D(
                tag: .products, summary: "A version (a copy of the default version's images)", request: .json(VersionRequest.self),
                response: .json(VersionInfo.self), status: 201)
        case .getVersion: return D(tag: .products, summary: "A version with its images", response: .json(VersionInfo.self))
        case .updateVersion:
            return D(
                tag: .products, summary: "Changes a version's changelog or makes it the default", request: .json(VersionRequest.self),
                response: .json(VersionInfo.self))
        case .removeVersion: return D(tag: .products, summary: "Removes a version", response: D.status("removed"))
        case .increaseVersion:
            return D(
                tag: .products, summary: "The incremental child of a version", request: .json(IncreaseVersionRequest.self),
                response: .json(VersionInfo.self), status: 201)
        case .setDefaultVersion: return D(tag: .products, summary: "Makes a version the product's default", response: .json(VersionInfo.self))
        case .addImage:
            return D(
                tag: .products, summary: "Adds an image to a version", request: .json(ImageRequest.self), response: .json(VersionInfo.self), status: 201)
        case .updateImage:
            return D(
                tag: .products, summary: "Changes an image (absent fields stay; a given config replaces it)", request: .json(ImageRequest.self),
                response: .json(VersionInfo.self))
        case .removeImage: return D(tag: .products, summary: "Removes an image from a version", response: D.status("removed"))

        case .createDeployment:
            return D(
                tag: .deployments, summary: "A preparing deployment of a version to a node under a prefix", request: .json(DeploymentRequest.self),
                response: .json(DeploymentInfo.self), status: 201)
        case .listDeployments:
            return D(
                tag: .deployments, summary: "The team's deployments", response: .json([DeploymentInfo].self),
                query: [
                    D.Query(name: "product", schema: ["type": "string"], description: "Only this product's deployments."),
                    D.Query(name: "version", schema: ["type": "string"], description: "Only this version's (with product)."),
                    D.Query(name: "node", schema: ["type": "string"], description: "Only the deployments on this node."),
                ])
        case .getDeployment:
            return D(
                tag: .deployments, summary: "A deployment with what runs on its node (a deploy token may read its own)",
                response: .json(DeploymentInfo.self),
                query: [
                    D.Query(
                        name: "effective", schema: ["type": "string", "enum": ["true", "false"]],
                        description: "true: add each instance's configuration with the layers merged.")
                ])
        case .updateDeployment:
            return D(
                tag: .deployments, summary: "Changes a deployment's note, protection, layers or secrets", request: .json(DeploymentRequest.self),
                response: .json(DeploymentInfo.self))
        case .removeDeployment:
            return D(
                tag: .deployments, summary: "Removes a deployment and its containers",
                response: .schema(D.fields(["status"], optional: ["jobID"], fixed: ["status": ["removed"]])))
        case .deploy:
            return D(
                tag: .deployments, summary: "The deployment's next try: deploy, redeploy or rollback (a deploy token may deploy its own)",
                request: .json(DeployRequest.self), response: .json(DeployResponse.self), status: 202)
        case .copyDeployment:
            return D(
                tag: .deployments, summary: "A preparing copy on another node or prefix", request: .json(CopyDeploymentRequest.self),
                response: .json(CopyDeploymentResponse.self), status: 201)
        case .deploymentEvents:
            return D(
                tag: .deployments, summary: "The deployment's history (a JSON array, not a stream; a deploy token may read its own)",
                response: .json([DeploymentEventRecord].self))
        case .createDeployToken:
            return D(
                tag: .deployments, summary: "A token that deploys this deployment only (shown once)", request: .json(DeployTokenRequest.self),
                response: .json(DeployTokenInfo.self), status: 201)
        case .listDeployTokens:
            return D(tag: .deployments, summary: "The deployment's deploy tokens (never the secrets)", response: .json([DeployTokenInfo].self))
        case .revokeDeployToken: return D(tag: .deployments, summary: "Revokes a deploy token, by id or name", response: D.status("revoked"))
        }
    }

    private static let lastEventID: [(name: String, description: String, required: Bool)] = [
        ("Last-Event-ID", "The id of the last event received: a reconnecting client gets only what followed (from the same Gateway).", false)
    ]
}
