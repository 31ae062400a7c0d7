import Synchronization

/// What one ``RegistryClient`` value learned about authenticating to its registry: the scheme it
/// asked for and the Bearer tokens per scope (until they expire). Shared by copies of the client.
final class RegistryAuthCache: Sendable {
    /// How the registry asked to be authenticated.
    enum Scheme: String, Sendable {
        case basic, bearer
    }

    private struct Token {
        var value: String
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var scheme: Scheme?
        var tokens: [String: Token] = [:]
        var hubToken: String?
    }

    private let state = Mutex(State())

    /// The most tokens kept (one per scope; a browse needs two or three).
    static let maximumTokens = 64

    init() {}

    /// The scheme the registry asked for last, if any.
    var scheme: Scheme? { state.withLock { $0.scheme } }

    /// Records the scheme the registry asked for.
    func remember(_ scheme: Scheme) { state.withLock { $0.scheme = scheme } }

    /// A token for `scope` that has not expired.
    func token(for scope: String) -> String? {
        state.withLock { state in
            guard let token = state.tokens[scope], token.expires > .now else { return nil }
            return token.value
        }
    }

    /// Keeps `token` for `scope` for `lifetime` (less a margin of 5 s).
    func store(_ token: String, for scope: String, lifetime: Duration) {
        state.withLock { state in
            state.scheme = .bearer
            if state.tokens.count >= Self.maximumTokens {
                state.tokens = state.tokens.filter { $0.value.expires > .now }
                if state.tokens.count >= Self.maximumTokens { state.tokens.removeAll() }
            }
            state.tokens[scope] = Token(value: token, expires: .now + lifetime - .seconds(5))
        }
    }

    /// Docker Hub's API token (from its login), kept for the client's life.
    var hubToken: String? {
        get { state.withLock { $0.hubToken } }
        set { state.withLock { $0.hubToken = newValue } }
    }

    /// Every secret held, for scrubbing messages.
    var secrets: [String] {
        state.withLock { state in state.tokens.values.map(\.value) + [state.hubToken].compactMap { $0 } }
    }
}
