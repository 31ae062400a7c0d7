import Logging
import Testing

@testable import CoxswainNotify

@Suite("webhook target policy", .timeLimit(.minutes(1)))
struct WebhookTargetPolicyTests {
    static let strict = WebhookTargetPolicy()
    static let open = WebhookTargetPolicy(allowPrivateTargets: true)

    func addresses(_ texts: String...) -> [TargetAddress] { texts.compactMap(TargetAddress.init) }

    @Test("private targets are refused by default, with the range and the setting named")
    func refusedByDefault() {
        #expect(WebhookTargetPolicy().allowPrivateTargets == false)
        let result = Self.strict.permitted(addresses("127.0.0.1"))
        #expect(result == .failure(.refusedAddress(.loopback)))
        guard case .failure(let refusal) = result else { return }
        #expect(!refusal.isRetriable)
        #expect(refusal.description.contains("loopback"))
        #expect(refusal.description.contains("notifications.allow_private_targets"))
        #expect(!refusal.description.contains("127.0.0.1"))
    }

    @Test("a host with public and private addresses may only be connected to on its public ones")
    func mixed() {
        #expect(
            Self.strict.permitted(addresses("10.0.0.1", "93.184.216.34", "::1", "2606:4700::1"))
                == .success(addresses("93.184.216.34", "2606:4700::1")))
        #expect(Self.strict.permitted(addresses("10.0.0.1", "169.254.169.254")) == .failure(.refusedAddress(.private)))
    }

    @Test("with notifications.allow_private_targets every address is kept, in order")
    func allowed() {
        #expect(Self.open.permitted(addresses("127.0.0.1", "::1")) == .success(addresses("127.0.0.1", "::1")))
    }

    @Test("check resolves names: localhost and shorthand loopback literals are refused, unless allowed")
    func checkResolves() async throws {
        for host in ["localhost", "127.0.0.1", "127.1", "::1", "::ffff:127.0.0.1", "0.0.0.0"] {
            let refused = await Self.strict.check(host: host)
            guard case .failure(.refusedAddress) = refused else {
                Issue.record("\(host) was not refused: \(refused)")
                continue
            }
            let allowed = try await Self.open.check(host: host).get()
            #expect(!allowed.isEmpty)
        }
        #expect(try await Self.strict.check(host: "93.184.216.34").get() == addresses("93.184.216.34"))
    }

    @Test("an unresolvable host is a retriable refusal")
    func unresolvable() async {
        let result = await Self.strict.check(host: "no-such-host.invalid", timeout: .seconds(5))
        guard case .failure(let refusal) = result else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(refusal.isRetriable)
    }
}
