import CoxswainCore
import Testing

@testable import GatewayService

@Suite("Route table")
struct APIRouteTests {
    @Test("every route has a unique method and path")
    func unique() {
        let keys = APIRoute.allCases.map { "\($0.method.rawValue) \($0.path)" }
        #expect(Set(keys).count == keys.count, "\(keys)")
    }

    @Test("every path is under /v1/ and its parameters are whole segments")
    func shape() {
        for route in APIRoute.allCases {
            #expect(route.path.hasPrefix("/v1/"), "\(route)")
            for segment in route.path.split(separator: "/") where segment.contains(":") {
                #expect(segment.hasPrefix(":") && segment.count > 1, "\(route): \(segment)")
            }
        }
    }

    @Test("the public routes are exactly the ones that carry their own credential or none")
    func publicRoutes() {
        let open = APIRoute.allCases.filter { $0.minimumRole == nil }
        #expect(Set(open) == [.health, .ready, .openapi, .login, .acceptInvitation, .enrol, .nodeArtifact])
        #expect(APIRoute.rotateKeys.minimumRole == .owner)
        #expect(APIRoute.submitJob.minimumRole == .member)
        #expect(APIRoute.listJobs.minimumRole == .viewer)
    }

    @Test("templates fill every parameter")
    func fill() {
        #expect(APIRoute.getJob.path(id: "last") == "/v1/jobs/last")
        #expect(APIRoute.jobEvents.path(id: "3f2a") == "/v1/jobs/3f2a/events")
        #expect(APIRoute.setRole.path(user: "alice") == "/v1/team/members/alice")
        #expect(APIRoute.uploadArtifact.path(digest: "ab12") == "/v1/artifacts/ab12")
        #expect(APIRoute.listJobs.path([:]) == "/v1/jobs")
        for route in APIRoute.allCases {
            let filled = route.path(Dictionary(uniqueKeysWithValues: route.parameters.map { ($0, "x") }))
            #expect(!filled.contains(":"), "\(route): \(filled)")
            #expect(filled.split(separator: "/").count == route.path.split(separator: "/").count)
        }
    }

    @Test("a parameter is percent-encoded as one segment")
    func encode() {
        #expect(APIRoute.removeNode.path(name: "a/b c") == "/v1/nodes/a%2Fb%20c")
        #expect(APIRoute.getJob.path(id: "x?limit=1#f") == "/v1/jobs/x%3Flimit=1%23f")
        #expect(APIRoute.revokeToken.path(id: "..") == "/v1/tokens/%2E%2E")
        #expect(APIRoute.forgetKnownHost.path(host: "::1") == "/v1/known-hosts/::1")
        #expect(APIRoute.forgetKnownHost.path(host: "10.0.0.1") == "/v1/known-hosts/10.0.0.1")
        #expect(APIRoute.removeMember.path(user: "ünï") == "/v1/team/members/%C3%BCn%C3%AF")
    }

    @Test("the Gateway's methods are the table's")
    func methods() {
        for method in APIMethod.allCases { #expect(method.http.rawValue == method.rawValue) }
    }
}
