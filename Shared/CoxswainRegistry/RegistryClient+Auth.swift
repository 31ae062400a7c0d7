import Foundation

/// A Bearer token from a registry's token service.
struct RegistryToken: Sendable {
    /// The token (`token` or `access_token` of the answer). **Secret.**
    var value: String
    /// How long it is valid (`expires_in`, 60 s when absent, at most a day).
    var lifetime: Duration
}

extension RegistryClient {
    /// GET a Distribution API URL: with the cached authorization if any; on a 401, answer the
    /// challenge once (Basic with the login, or a Bearer token for `scope` from the realm) and
    /// send again. The caller maps a non-success answer to an error.
    func authorizedGET(
        _ url: String, scope: String, accept: [String] = [], endpoint: RegistryEndpoint, deadline: Deadline
    ) async throws(RegistryError) -> RegistryResponse {
        var headers = accept.map { ("Accept", $0) }
        if let authorization = cachedAuthorization(scope: scope) { headers.append(("Authorization", authorization)) }
        let first = try await get(url, headers: headers, deadline: deadline)
        guard first.status == 401 else { return first }
        let challenges = AuthChallenge.parse(first.values("WWW-Authenticate"))
        guard let authorization = try await authorization(answering: challenges, scope: scope, endpoint: endpoint, deadline: deadline) else {
            return first
        }
        headers.removeAll { $0.0 == "Authorization" }
        headers.append(("Authorization", authorization))
        return try await get(url, headers: headers, deadline: deadline)
    }

    /// What a request sends before any challenge, from what this client learned: Basic once the
    /// registry asked for it, a cached token for `scope` under Bearer.
    func cachedAuthorization(scope: String) -> String? {
        switch authCache.scheme {
        case .basic: credentials?.basicAuthorization
        case .bearer: authCache.token(for: scope).map { "Bearer \($0)" }
        case nil: nil
        }
    }

    /// The `Authorization` value answering `challenges`, or nil when nothing can (Basic without a
    /// login, an unknown scheme). Bearer tokens are cached under `scope`.
    func authorization(
        answering challenges: [AuthChallenge], scope: String, endpoint: RegistryEndpoint, deadline: Deadline
    ) async throws(RegistryError) -> String? {
        guard let challenge = AuthChallenge.preferred(challenges) else { return nil }
        if challenge.scheme == "basic" {
            authCache.remember(.basic)
            return credentials?.basicAuthorization
        }
        let token = try await fetchToken(challenge, scope: challenge.scope ?? scope, endpoint: endpoint, deadline: deadline)
        authCache.store(token.value, for: scope, lifetime: token.lifetime)
        return "Bearer \(token.value)"
    }

    /// Asks the challenge's realm for a token (`GET realm?service=…&scope=…`, Basic credentials
    /// when a login is stored, anonymously otherwise) and reads `token` or `access_token`.
    func fetchToken(
        _ challenge: AuthChallenge, scope: String?, endpoint: RegistryEndpoint, deadline: Deadline
    ) async throws(RegistryError) -> RegistryToken {
        let realm = try tokenURL(challenge, scope: scope, endpoint: endpoint)
        var headers = [("Accept", "application/json")]
        if let credentials { headers.append(("Authorization", credentials.basicAuthorization)) }
        let response = try await get(realm.url, headers: headers, deadline: deadline)
        guard response.status == 200 else { throw failure(response, about: .tokenService(realm.label)) }
        struct Answer: Decodable {
            var token: String?
            var accessToken: String?
            var expiresIn: Int?

            private enum CodingKeys: String, CodingKey {
                case token
                case accessToken = "access_token"
                case expiresIn = "expires_in"
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                token = try? container.decodeIfPresent(String.self, forKey: .token)
                accessToken = try? container.decodeIfPresent(String.self, forKey: .accessToken)
                expiresIn = try? container.decodeIfPresent(Int.self, forKey: .expiresIn)
            }
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.data) else {
            throw .badResponse("the token service \(realm.label) of registry \(registryLabel) answered with something that is not a token (not JSON)")
        }
        guard let token = [answer.token, answer.accessToken].compactMap({ $0 }).first(where: { !$0.isEmpty }), Self.isHeaderSafe(token) else {
            throw .badResponse("the token service \(realm.label) of registry \(registryLabel) answered without a usable token")
        }
        let seconds = min(max(answer.expiresIn ?? 60, 10), 86400)
        return RegistryToken(value: token, lifetime: .seconds(seconds))
    }

    /// The token request's URL and a label for messages (the realm without query). The realm must
    /// be https, or http when the registry itself is plain HTTP: credentials never go in clear
    /// to a realm of an https registry.
    func tokenURL(_ challenge: AuthChallenge, scope: String?, endpoint: RegistryEndpoint) throws(RegistryError) -> (url: String, label: String) {
        guard let realm = challenge.realm, var components = URLComponents(string: realm), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else {
            throw .badResponse("registry \(registryLabel) named an unusable token service \"\(RepositoryName.quoted(challenge.realm ?? ""))\"")
        }
        guard scheme == "https" || (scheme == "http" && endpoint.scheme == "http") else {
            throw .badResponse("registry \(registryLabel) named a token service over plain HTTP (\(realm.prefix(200))); refusing to send credentials in clear")
        }
        var items = components.queryItems ?? []
        if let service = challenge.service, !service.isEmpty { items.append(URLQueryItem(name: "service", value: service)) }
        for part in (scope ?? "").split(separator: " ").prefix(8) { items.append(URLQueryItem(name: "scope", value: String(part))) }
        if let credentials, !credentials.username.isEmpty { items.append(URLQueryItem(name: "account", value: credentials.username)) }
        components.queryItems = items.isEmpty ? nil : items
        // `+` in a query means a space to most servers: encode it (and keep `:`, `/`, `*` readable).
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        var label = "\(scheme)://\(host)"
        if let port = components.port { label += ":\(port)" }
        label += components.path
        guard let url = components.string else {
            throw .badResponse("registry \(registryLabel) named an unusable token service \(label)")
        }
        return (url, label)
    }

    /// Visible ASCII only (no spaces, CR or LF): safe in a header value.
    static func isHeaderSafe(_ value: String) -> Bool {
        value.utf8.count <= 64 << 10 && value.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
