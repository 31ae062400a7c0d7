import CoxswainCore
import Foundation
import GatewayService
import Testing

/// The authorisation suite, generated from the Gateway's route table (`Endpoint.allCases`): every
/// route — including ones added later — is called with no credentials, another team's token, and a
/// token of each role; each gets exactly what the role allows and nothing of another team.
extension PlatformTests {
    struct Actor {
        let label: String
        let role: Role?
        let headers: [String]
    }

    @Test("every route checks team and role", .timeLimit(.minutes(4)))
    func everyRouteChecksTeamAndRole() async throws {
        try await TestPlatform.with(nodes: ["node-a"], audit: true) { p in
            var secrets: [String] = []
            // People of team "default", created by the local operator (owner) on the socket.
            let password = "correct-horse-battery"
            secrets.append(password)
            for role in Role.allCases {
                let r = try await p.cli(["user", "create", "u-\(role.rawValue)", "--role", role.rawValue, "--password-stdin"], stdin: password)
                #expect(r.status == 0, "\(r)")
            }
            func login(_ user: String, team: String? = nil) async throws -> String {
                let (status, body) = try await p.http("POST", "/v1/login", body: #"{"user":"\#(user)","password":"\#(password)"}"#)
                #expect(status == 200, "login \(user): \(body)")
                return (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["session"] as? String ?? ""
            }
            func token(session: String, team: String? = nil) async throws -> String {
                var headers = ["Authorization: Session \(session)"]
                if let team { headers.append("X-Coxswain-Team: \(team)") }
                let (status, body) = try await p.http("POST", "/v1/tokens", headers: headers, body: #"{"name":"t"}"#)
                #expect(status == 201, "\(body)")
                return (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["secret"] as? String ?? ""
            }
            var actors: [Actor] = [Actor(label: "no credentials", role: nil, headers: [])]
            for role in Role.allCases {
                let session = try await login("u-\(role.rawValue)")
                let secret = try await token(session: session)
                secrets += [session, secret]
                actors.append(Actor(label: role.rawValue, role: role, headers: ["Authorization: Bearer \(secret)"]))
            }
            // Another team, with a job of its own; its owner's token must see nothing of team "default".
            let ownerSession = try await login("u-owner")
            let (created, teamBody) = try await p.http("POST", "/v1/teams", headers: ["Authorization: Session \(ownerSession)"], body: #"{"name":"other"}"#)
            #expect(created == 201, "\(teamBody)")
            let otherToken = try await token(session: ownerSession, team: "other")
            secrets.append(otherToken)
            let other = Actor(label: "other team's owner", role: nil, headers: ["Authorization: Bearer \(otherToken)"])

            // A job of team "default" to point routes at.
            let job = try await p.cli(["exec", "--verb", "ECHO", "team-a-secret-marker", "--wait", "--output", "json"])
            let jobID = ((try JSONSerialization.jsonObject(with: Data(job.stdout.utf8)) as? [String: Any])?["job"] as? [String: Any])?["id"] as? String ?? ""
            #expect(!jobID.isEmpty, "\(job)")

            func path(_ e: Endpoint, _ label: String) -> String {
                e.path.replacingOccurrences(of: ":id", with: e == .revokeToken ? UUID().uuidString.lowercased() : jobID)
                    .replacingOccurrences(of: ":name", with: "ghost")
                    .replacingOccurrences(of: ":user", with: "ghost")
            }
            func body(_ e: Endpoint, _ label: String) -> String? {
                let suffix = label.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "'", with: "")
                switch e {
                case .submitJob: return #"{"verb":"ECHO","arguments":"x"}"#
                case .matchNodes: return #"{"targets":["node-*"],"targetLabelSelectors":["!nope"]}"#
                case .addNode: return #"{"name":"n-\#(suffix)"}"#
                case .createTeam: return #"{"name":"t-\#(suffix)"}"#
                case .invite: return #"{"role":"viewer"}"#
                case .setRole: return #"{"role":"viewer"}"#
                case .createUser: return #"{"name":"c-\#(suffix)","password":"another-long-password","role":"viewer"}"#
                case .createToken: return #"{"name":"x","role":"viewer"}"#
                case .setPassword: return #"{"newPassword":"another-long-password"}"#
                case .containerRead: return #"{"operation":{"action":"list"}}"#
                case .containerControl: return #"{"operation":{"action":"start","container":"ghost"}}"#
                case .containerAdmin: return #"{"operation":{"action":"remove","prefix":"ghost"}}"#
                case .addRegistry: return #"{"name":"r-\#(suffix)","kind":"unchecked"}"#
                case .updateRegistry: return #"{"description":"x"}"#
                case .login, .acceptInvitation, .enrol, .logout: return "{}"
                default: return nil
                }
            }

            for endpoint in Endpoint.allCases {
                guard let minimum = endpoint.minimumRole else { continue }
                for actor in actors {
                    let (status, response) = try await p.http(
                        endpoint.method.rawValue, path(endpoint, actor.label), headers: actor.headers, body: body(endpoint, actor.label))
                    guard let role = actor.role else {
                        #expect(status == 401, "\(endpoint) without credentials: \(status) \(response)")
                        continue
                    }
                    if role < minimum {
                        #expect(status == 403, "\(endpoint) as \(role): expected 403, got \(status) \(response)")
                    } else {
                        #expect(status != 401 && status != 403 && status < 500, "\(endpoint) as \(role): got \(status) \(response)")
                    }
                }
                // Another team sees nothing of this one: "not found" for its resources, and its lists never hold them.
                if endpoint.method == .get, endpoint != .jobEvents {
                    let (status, response) = try await p.http("GET", path(endpoint, other.label), headers: other.headers)
                    #expect(
                        !response.contains(jobID) && !response.contains("team-a-secret-marker") && !response.contains("node-a")
                            && !response.contains("u-viewer"),
                        "\(endpoint) leaks team default's data to team other: \(response)")
                    if endpoint == .getJob { #expect(status == 404) }
                }
            }
            let (eventsStatus, _) = try await p.http("GET", "/v1/jobs/\(jobID)/events", headers: other.headers)
            #expect(eventsStatus == 404)

            // Denials were audited (in the team of the denied actor).
            try await eventually("denials in the audit log") {
                Int(try await p.sql("SELECT count(*) FROM audit_events WHERE outcome = 'denied'")) ?? 0 > 0
            }

            // The last owner can neither leave nor be demoted; a lower role cannot grant a higher one.
            let otherOwner = ["Authorization: Bearer \(otherToken)"]
            let (demote, demoteBody) = try await p.http("PUT", "/v1/team/members/u-owner", headers: otherOwner, body: #"{"role":"admin"}"#)
            #expect(demote == 409 && demoteBody.contains("last owner"), "\(demoteBody)")
            let (leave, _) = try await p.http("DELETE", "/v1/team/members/u-owner", headers: otherOwner)
            #expect(leave == 409)
            let memberHeaders = actors.first { $0.role == .member }!.headers
            let (escalate, _) = try await p.http("POST", "/v1/tokens", headers: memberHeaders, body: #"{"name":"x","role":"owner"}"#)
            #expect(escalate == 403)

            // Invitations: one-time.
            let (invited, invitation) = try await p.http("POST", "/v1/team/invitations", headers: otherOwner, body: #"{"role":"member"}"#)
            #expect(invited == 201)
            let inviteToken = (try JSONSerialization.jsonObject(with: Data(invitation.utf8)) as? [String: Any])?["invitation"] as? String ?? ""
            secrets.append(inviteToken)
            let accept = #"{"invitation":"\#(inviteToken)","user":"newcomer","password":"newcomer-password"}"#
            let (joined, _) = try await p.http("POST", "/v1/invitations/accept", body: accept)
            #expect(joined == 200)
            let (again, _) = try await p.http("POST", "/v1/invitations/accept", body: accept)
            #expect(again == 404)

            // Revoked and expired tokens stop working.
            let viewer = actors.first { $0.role == .viewer }!
            let (listed, tokensBody) = try await p.http("GET", "/v1/tokens", headers: viewer.headers)
            #expect(listed == 200 && !secrets.contains { tokensBody.contains($0) }, "token list shows a secret")
            let viewerTokenID =
                ((try JSONSerialization.jsonObject(with: Data(tokensBody.utf8)) as? [[String: Any]]) ?? []).first { ($0["user"] as? String) == "u-viewer" }?[
                    "id"] as? String ?? ""
            let (notYours, _) = try await p.http("DELETE", "/v1/tokens/\(viewerTokenID)", headers: memberHeaders)
            #expect(notYours == 404, "a member revoked someone else's token")
            let adminHeaders = actors.first { $0.role == .admin }!.headers
            let (revoked, _) = try await p.http("DELETE", "/v1/tokens/\(viewerTokenID)", headers: adminHeaders)
            #expect(revoked == 200)
            let (afterRevoke, _) = try await p.http("GET", "/v1/whoami", headers: viewer.headers)
            #expect(afterRevoke == 401)

            // No secret in any log, API list or audit export.
            let export = try await p.cli(["audit", "export", "--format", "jsonl", "--limit", "100000"])
            for secret in secrets where !secret.isEmpty {
                for key in ["gateway", "scheduler-0", "audit", "deployer-node-a"] {
                    #expect(!p.log(key, lines: 100_000).contains(secret), "a secret appears in the \(key) log")
                }
                #expect(!export.stdout.contains(secret), "a secret appears in the audit export")
            }
        }
    }
}
