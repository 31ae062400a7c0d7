import CoxswainCrypto

/// Password work that strangers can trigger, bounded. Argon2id costs 64 MiB and a thread per
/// call, so at most `gateway.max_password_hashes` run at once and a few more wait (the rest get
/// 429); login attempts are limited per client address and per user name
/// (`gateway.login_rate_per_minute`); and an unknown or disabled user is checked against a dummy
/// hash, so the answer takes as long as for a real one.
package final class PasswordGuard: Sendable {
    let work: WorkLimiter
    let attempts: RateLimiter

    /// An Argon2id hash (interactive cost, like every stored hash) of a random password nobody
    /// knows: verifying against it costs what verifying a real user's password costs.
    static let dummyHash = "$argon2id$v=19$m=65536,t=2,p=1$MEpURsIcnOZdrPhzKsMV8w$FPFaS8ng3OVGtdu5ZrXGtpVooipuv3lsZhWPs4XInhE"

    /// - Parameters:
    ///   - maximumConcurrent: Hashes or verifications running at once; 4× as many may wait.
    ///   - attemptsPerMinute: Login attempts per client address and per user name.
    package init(maximumConcurrent: Int, attemptsPerMinute: Int) {
        work = WorkLimiter(capacity: maximumConcurrent, queueLength: 4 * maximumConcurrent)
        attempts = RateLimiter(perMinute: attemptsPerMinute)
    }

    /// The outcome of a password check.
    enum Verdict: Equatable {
        case matched
        case rejected
        /// Too much password work waiting already: answer 429 and let the client retry.
        case busy
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no user (always
    /// `.rejected` then, after the same work).
    func verify(_ password: String, hash: String?) async -> Verdict {
        let matched = await work.run { await PasswordHasher.verify(password, hash: hash ?? Self.dummyHash) }
        guard let matched else { return .busy }
        return matched && hash != nil ? .matched : .rejected
    }

    /// A fresh hash of `password`, or nil when too much password work is waiting already.
    func hash(_ password: String) async throws -> String? {
        try await work.run { try await PasswordHasher.hash(password) }
    }

    /// Spends a login attempt of the client address; the seconds to wait when none is left.
    func admit(address: String) -> Int? { attempts.take(["address:" + address]) }

    /// Spends a login attempt of the user name; the seconds to wait when none is left.
    func admit(user: String) -> Int? { attempts.take(["user:" + String(user.lowercased().prefix(128))]) }

    /// Seconds a client is told to wait when password work is saturated.
    static let busyRetryAfter = 1
}
