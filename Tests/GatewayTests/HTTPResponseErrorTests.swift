import CoxswainCore
import Testing

@testable import GatewayService

@Suite("HTTPResponseError")
struct HTTPResponseErrorTests {
    @Test("each kind has one status and code; a code has one status except unknown_artifact (400 in a submission, 404 on its own)")
    func table() {
        let kinds = HTTPResponseError.Kind.allCases
        let pairs = kinds.map { "\($0.status.code) \($0.code)" }
        #expect(Set(pairs).count == kinds.count, "two kinds with the same status and code")
        var statuses: [String: Set<Int>] = [:]
        for kind in kinds { statuses[kind.code, default: []].insert(kind.status.code) }
        #expect(statuses.filter { $0.value.count > 1 } == ["unknown_artifact": [400, 404]])
        for kind in kinds {
            #expect(kind.code.allSatisfy { $0.isLowercase || $0 == "_" }, "\(kind.code)")
            #expect(kind.status.code >= 400 && kind.status.code < 600)
        }
    }

    @Test(
        "status and code of the refusals clients rely on",
        arguments: [
            (HTTPResponseError.Kind.invalidJSON, 400, "invalid_json"), (.unknownVerb, 400, "unknown_verb"), (.invalidTimeout, 400, "invalid_timeout"),
            (.outOfRange, 400, "out_of_range"), (.invalidCharacter, 400, "invalid_character"), (.unauthenticated, 401, "unauthenticated"),
            (.invalidCredentials, 401, "invalid_credentials"), (.forbidden, 403, "forbidden"), (.unknownJob, 404, "unknown_job"),
            (.unknownTarget, 404, "unknown_target"), (.noMatchingNodes, 404, "no_matching_nodes"), (.artifactNotUploaded, 400, "unknown_artifact"),
            (.unknownArtifact, 404, "unknown_artifact"), (.nameUnavailable, 409, "name_unavailable"), (.lastOwner, 409, "last_owner"),
            (.payloadTooLarge, 413, "payload_too_large"), (.tooManyRequests, 429, "too_many_requests"), (.internalError, 500, "internal_error"),
            (.brokerUnavailable, 503, "broker_unavailable"), (.notReady, 503, "not_ready"),
        ])
    func mapping(kind: HTTPResponseError.Kind, status: Int, code: String) {
        let error = HTTPResponseError(kind, "words")
        #expect(error.status.code == status)
        #expect(error.code == code)
        let response = error.response
        #expect(response.status.code == status)
        #expect(response.headers[.contentType] == "application/json")
        #expect(response.headers[.retryAfter] == nil)
    }

    @Test("429 answers carry Retry-After")
    func retryAfter() {
        let error = HTTPResponseError.tooManyRequests(retryAfter: 7, "slow down")
        #expect(error.response.status == .tooManyRequests)
        #expect(error.response.headers[.retryAfter] == "7")
        #expect(HTTPResponseError.passwordsBusy("logins").reason == "too many logins in progress; retry in \(PasswordGuard.busyRetryAfter) s")
    }

    @Test("the router's refusals keep their words")
    func routerWords() {
        let denied = HTTPResponseError.forbidden(needs: .admin, team: "ops", has: .member)
        #expect(denied.status == .forbidden && denied.code == "forbidden")
        #expect(denied.reason == "this needs the admin role in team ops; you are member")
        #expect(HTTPResponseError.unauthenticated.reason == "credentials missing, invalid or expired (use a token, a session, or the UNIX socket)")
        #expect(HTTPResponseError.internalError.reason == "the gateway could not complete this request; see its log")
        #expect(HTTPResponseError.brokerUnavailable("job").reason == "the message broker did not accept the job; nothing was submitted")
    }

    @Test("range problems keep the codes clients know")
    func rangeProblems() {
        #expect(SubmitJobRequest(verb: "RUN", arguments: "x", timeoutSeconds: -5).rangeProblem?.code == "invalid_timeout")
        #expect(AddNodeRequest(name: "n", expiresInSeconds: 1).rangeProblem?.code == "out_of_range")
    }

    @Test("database refusals of the request's data are 400s")
    func databaseRefusals() {
        #expect(GatewayAPI.refusedData["22021"]?.code == "invalid_character")
        #expect(GatewayAPI.refusedData["22003"]?.status == .badRequest)
        #expect(GatewayAPI.refusal(databaseError: HTTPResponseError.internalError) == nil)
    }
}
