import Testing

@testable import CoxswainRegistry

@Suite("WWW-Authenticate parsing")
struct AuthChallengeTests {
    @Test("a Bearer challenge with quoted values, commas inside the scope")
    func bearer() {
        let challenges = AuthChallenge.parse(
            #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#)
        #expect(challenges.count == 1)
        let challenge = challenges.first
        #expect(challenge?.scheme == "bearer")
        #expect(challenge?.realm == "https://auth.docker.io/token")
        #expect(challenge?.service == "registry.docker.io")
        #expect(challenge?.scope == "repository:samalba/my-app:pull,push")
    }

    @Test("Basic with a realm, and Basic alone")
    func basic() {
        #expect(AuthChallenge.parse(#"Basic realm="coxswain-registry""#) == [AuthChallenge(scheme: "basic", parameters: ["realm": "coxswain-registry"])])
        #expect(AuthChallenge.parse("Basic") == [AuthChallenge(scheme: "basic", parameters: [:])])
        #expect(AuthChallenge.parse("basic REALM=plain") == [AuthChallenge(scheme: "basic", parameters: ["realm": "plain"])])
    }

    @Test("several challenges in one value, spaces around =, escaped quotes, an error parameter")
    func several() {
        let value = #"Basic realm="a, b", Bearer realm = "https://x/token" , service="s", error="invalid_token", error_description="say \"hi\"""#
        let challenges = AuthChallenge.parse(value)
        #expect(challenges.map(\.scheme) == ["basic", "bearer"])
        #expect(challenges.first?.realm == "a, b")
        #expect(challenges.last?.parameters == ["realm": "https://x/token", "service": "s", "error": "invalid_token", "error_description": #"say "hi""#])
        #expect(AuthChallenge.preferred(challenges)?.scheme == "bearer")
    }

    @Test("several header values; the preferred one is Bearer with a realm, else Basic")
    func preferred() {
        let challenges = AuthChallenge.parse([#"Basic realm="r""#, #"Bearer realm="https://t/token""#])
        #expect(AuthChallenge.preferred(challenges)?.realm == "https://t/token")
        #expect(AuthChallenge.preferred(AuthChallenge.parse(["Bearer service=x", "Basic"]))?.scheme == "basic")
        #expect(AuthChallenge.preferred(AuthChallenge.parse("Negotiate abc==")) == nil)
    }

    @Test("junk never traps and yields what can be read")
    func junk() {
        for value in ["", ",,,", "=", "\"", "Bearer realm=\"unterminated", "Bearer ,,, realm=x,", String(repeating: "a=b,", count: 5000), "Bearer realm=\"\\"] {
            _ = AuthChallenge.parse(value)
        }
        #expect(AuthChallenge.parse("Bearer realm=\"unterminated").first?.realm == "unterminated")
        #expect(
            AuthChallenge.parse("Bearer realm=https://unquoted/token,service=svc").first?.parameters == ["realm": "https://unquoted/token", "service": "svc"])
    }
}
