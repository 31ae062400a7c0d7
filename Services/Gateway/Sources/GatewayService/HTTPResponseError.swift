import CoxswainCore
import CoxswainStore
import HTTPTypes
import Hummingbird

/// A refusal the API answers with `{"error": code, "reason": words}`. Handlers throw it; the
/// router turns it into the response (`response`). The status and code of every kind are paired
/// in one place, `Kind.spec`, so a code never travels with two statuses by accident.
package struct HTTPResponseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every kind of refusal, each with one status and one code.
    package enum Kind: Sendable, Equatable, CaseIterable {
        // 400: the request is wrong.
        case invalidJSON, invalidCharacter, outOfRange
        case unknownVerb, missingArguments, invalidArguments, missingArtifacts, invalidBatch, invalidTimeout, invalidTarget, invalidSecretName
        /// A submission or bootstrap plan names an artifact the team has not uploaded (400, `unknown_artifact`).
        case artifactNotUploaded
        /// A bootstrap plan names a local file instead of an uploaded artifact.
        case missingArtifact
        case invalidLimit, invalidStatus, invalidParent, invalidSince, invalidFormat
        case invalidName, weakPassword, needsUser
        case invalidKey, invalidDigest, digestMismatch
        case invalidURL, invalidEvents
        case invalidRegistry, invalidImage
        case emptyPlan, invalidThreads, invalidHost
        // 401
        case unauthenticated, invalidCredentials, invalidEnrolment
        // 403
        case forbidden
        // 404
        case notFound, unknownJob, unknownTarget, noMatchingNodes, unknownMember, unknownToken, unknownNode, unknownNotification, unknownRegistry, unknownImage
        /// `GET /v1/artifacts/{digest}` for an artifact the team does not have (404, `unknown_artifact`).
        case unknownArtifact
        case unknownRun, unknownFile, unknownCredential, unknownHost, invalidInvitation
        // 409
        case conflict, nameUnavailable, lastOwner, ambiguousFile
        // 413, 429
        case payloadTooLarge, tooManyRequests
        // 500, 503
        case internalError, brokerUnavailable, enrolmentUnavailable, notReady
        case registryFailed

        /// The status and code of this kind: the one table of them.
        package var spec: (status: HTTPResponse.Status, code: String) {
            switch self {
            case .invalidJSON: (.badRequest, "invalid_json")
            case .invalidCharacter: (.badRequest, "invalid_character")
            case .outOfRange: (.badRequest, "out_of_range")
            case .unknownVerb: (.badRequest, "unknown_verb")
            case .missingArguments: (.badRequest, "missing_arguments")
            case .invalidArguments: (.badRequest, "invalid_arguments")
            case .missingArtifacts: (.badRequest, "missing_artifacts")
            case .invalidBatch: (.badRequest, "invalid_batch")
            case .invalidTimeout: (.badRequest, "invalid_timeout")
            case .invalidTarget: (.badRequest, "invalid_target")
            case .invalidSecretName: (.badRequest, "invalid_secret_name")
            case .artifactNotUploaded: (.badRequest, "unknown_artifact")
            case .missingArtifact: (.badRequest, "missing_artifact")
            case .invalidLimit: (.badRequest, "invalid_limit")
            case .invalidStatus: (.badRequest, "invalid_status")
            case .invalidParent: (.badRequest, "invalid_parent")
            case .invalidSince: (.badRequest, "invalid_since")
            case .invalidFormat: (.badRequest, "invalid_format")
            case .invalidName: (.badRequest, "invalid_name")
            case .weakPassword: (.badRequest, "weak_password")
            case .needsUser: (.badRequest, "needs_user")
            case .invalidKey: (.badRequest, "invalid_key")
            case .invalidDigest: (.badRequest, "invalid_digest")
            case .digestMismatch: (.badRequest, "digest_mismatch")
            case .invalidURL: (.badRequest, "invalid_url")
            case .invalidEvents: (.badRequest, "invalid_events")
            case .invalidRegistry: (.badRequest, "invalid_registry")
            case .invalidImage: (.badRequest, "invalid_image")
            case .emptyPlan: (.badRequest, "empty_plan")
            case .invalidThreads: (.badRequest, "invalid_threads")
            case .invalidHost: (.badRequest, "invalid_host")
            case .unauthenticated: (.unauthorized, "unauthenticated")
            case .invalidCredentials: (.unauthorized, "invalid_credentials")
            case .invalidEnrolment: (.unauthorized, "invalid_enrolment")
            case .forbidden: (.forbidden, "forbidden")
            case .notFound: (.notFound, "not_found")
            case .unknownJob: (.notFound, "unknown_job")
            case .unknownTarget: (.notFound, "unknown_target")
            case .noMatchingNodes: (.notFound, "no_matching_nodes")
            case .unknownMember: (.notFound, "unknown_member")
            case .unknownToken: (.notFound, "unknown_token")
            case .unknownNode: (.notFound, "unknown_node")
            case .unknownNotification: (.notFound, "unknown_notification")
            case .unknownRegistry: (.notFound, "unknown_registry")
            case .unknownImage: (.notFound, "unknown_image")
            case .unknownArtifact: (.notFound, "unknown_artifact")
            case .unknownRun: (.notFound, "unknown_run")
            case .unknownFile: (.notFound, "unknown_file")
            case .unknownCredential: (.notFound, "unknown_credential")
            case .unknownHost: (.notFound, "unknown_host")
            case .invalidInvitation: (.notFound, "invalid_invitation")
            case .conflict: (.conflict, "conflict")
            case .nameUnavailable: (.conflict, "name_unavailable")
            case .lastOwner: (.conflict, "last_owner")
            case .ambiguousFile: (.conflict, "ambiguous_file")
            case .payloadTooLarge: (.contentTooLarge, "payload_too_large")
            case .tooManyRequests: (.tooManyRequests, "too_many_requests")
            case .internalError: (.internalServerError, "internal_error")
            case .brokerUnavailable: (.serviceUnavailable, "broker_unavailable")
            case .enrolmentUnavailable: (.serviceUnavailable, "enrolment_unavailable")
            case .notReady: (.serviceUnavailable, "not_ready")
            // The registry a request reached through the Gateway refused or failed (the reason names its answer).
            case .registryFailed: (.badGateway, "registry_failed")
            }
        }

        package var status: HTTPResponse.Status { spec.status }
        package var code: String { spec.code }
    }

    package var kind: Kind
    /// What went wrong, in words for the operator (never a secret).
    package var reason: String
    /// Seconds for `Retry-After` (429 answers).
    package var retryAfter: Int?

    package init(_ kind: Kind, _ reason: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.reason = reason
        self.retryAfter = retryAfter
    }

    package var status: HTTPResponse.Status { kind.status }
    package var code: String { kind.code }
    package var description: String { "\(status.code) \(code): \(reason)" }

    /// The JSON answer (`APIError`), with `Retry-After` when set.
    package var response: Response {
        var response = APIResponse.json(APIError(error: code, reason: reason), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

// MARK: Refusals with fixed words, used in several places

extension HTTPResponseError {
    static let unauthenticated = Self(.unauthenticated, "credentials missing, invalid or expired (use a token, a session, or the UNIX socket)")

    /// The router's refusal of a role below the route's least one.
    static func forbidden(needs minimum: Role, team: String, has role: Role) -> Self {
        Self(.forbidden, "this needs the \(minimum.rawValue) role in team \(team); you are \(role.rawValue)")
    }

    static func forbidden(_ reason: String) -> Self { Self(.forbidden, reason) }

    static let noSuchRoute = Self(.notFound, "no such route")
    static let internalError = Self(.internalError, "the gateway could not complete this request; see its log")

    static let unknownJob = Self(.unknownJob, "no such job")
    static let unknownMember = Self(.unknownMember, "no such member")
    static let unknownToken = Self(.unknownToken, "no such token")
    static let unknownNotification = Self(.unknownNotification, "no such notification")
    static let unknownRegistry = Self(.unknownRegistry, "no such registry in this team (coxswain registry list)")
    static let unknownRun = Self(.unknownRun, "no such bootstrap run")
    static let invalidDigest = Self(.invalidDigest, "an artifact is named by the lower-case hex SHA-256 of its content (64 characters)")
    static let invalidUserName = Self(.invalidName, "user names use lowercase letters, digits, '-', '_' and '.'")
    static let weakPassword = Self(.weakPassword, "passwords need at least 10 characters")
    static let wrongPassword = Self(.invalidCredentials, "wrong user name or password")

    /// The one answer for a taken name with a wrong password and for a disabled user, so
    /// invitations reveal nothing about which names exist.
    static let invitationUserRejected = Self(.invalidCredentials, "this user name is taken or the password is wrong")

    /// Node enrolment or removal without `amqp.management_url`.
    static func enrolmentUnavailable(_ what: String) -> Self {
        Self(.enrolmentUnavailable, "\(what) needs amqp.management_url on the gateway")
    }

    /// 503 when the broker did not confirm a submission (`what`: "job", "run"), which was withdrawn.
    static func brokerUnavailable(_ what: String) -> Self {
        Self(.brokerUnavailable, "the message broker did not accept the \(what); nothing was submitted")
    }

    /// 429 with `Retry-After`.
    static func tooManyRequests(retryAfter seconds: Int, _ reason: String) -> Self {
        Self(.tooManyRequests, reason, retryAfter: seconds)
    }

    /// 429 when the password work is at its limit (`what`: "logins", "password checks").
    static func passwordsBusy(_ what: String) -> Self {
        tooManyRequests(retryAfter: PasswordGuard.busyRetryAfter, "too many \(what) in progress; retry in \(PasswordGuard.busyRetryAfter) s")
    }

    /// 409 for a refused name or another conflict (`name_unavailable` never says whose the name is).
    static func conflict(_ error: AccessError) -> Self {
        if case .nameUnavailable = error { return Self(.nameUnavailable, error.description) }
        return Self(.conflict, error.description)
    }
}
