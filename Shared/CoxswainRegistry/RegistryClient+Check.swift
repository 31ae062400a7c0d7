import CoxswainCore

extension RegistryClient {
    /// Verifies the registry answers and accepts the credentials: `GET /v2/`, then on a 401
    /// challenge Basic, or the Bearer-token flow (realm, service and scope from `WWW-Authenticate`,
    /// the token service asked with Basic credentials, the request sent again with the token).
    ///
    /// Never throws for registry-side failures: a failed check is `ok == false` with one sentence
    /// naming the status (`401 unauthorized: …`, `429 rate limited, retry after 30 s`,
    /// `cannot reach https://host/v2/: connection refused`, `timed out after 15 s`).
    public func check() async -> RegistryCheckResult {
        let started = ContinuousClock.now
        do throws(RegistryError) {
            let endpoint = try RegistryEndpoint(registry)
            let (message, scheme) = try await verify(endpoint, deadline: started + timeout)
            logger.debug("registry check passed", metadata: [RegistryLogMetadata.registry: "\(registry.name)"])
            return RegistryCheckResult(ok: true, message: message, authScheme: scheme, milliseconds: Self.milliseconds(.now - started))
        } catch {
            logger.debug("registry check failed", metadata: [RegistryLogMetadata.registry: "\(registry.name)", RegistryLogMetadata.error: "\(error)"])
            return RegistryCheckResult(
                ok: false, message: scrub(error.description), authScheme: authCache.scheme?.rawValue, milliseconds: Self.milliseconds(.now - started))
        }
    }

    /// The check's success message and auth scheme (`none`, `basic`, `bearer`), or the failure.
    private func verify(_ endpoint: RegistryEndpoint, deadline: Deadline) async throws(RegistryError) -> (String, String) {
        let url = endpoint.url("/v2/")
        let anonymous = try await get(url, headers: [], deadline: deadline)
        if (200..<300).contains(anonymous.status) {
            let unused = credentials == nil ? "" : " (the stored credentials were not needed)"
            return ("registry \(registryLabel) answered \(url) without asking for credentials\(unused)", "none")
        }
        guard anonymous.status == 401 else { throw failure(anonymous, about: .registry) }
        let challenges = AuthChallenge.parse(anonymous.values("WWW-Authenticate"))
        guard let challenge = AuthChallenge.preferred(challenges) else {
            let schemes = challenges.isEmpty ? "no WWW-Authenticate challenge" : challenges.map(\.scheme).joined(separator: ", ")
            throw .unauthorized("401 unauthorized: registry \(registryLabel) asks for an unsupported authentication scheme (\(schemes))")
        }
        if challenge.scheme == "basic" {
            authCache.remember(.basic)
            guard let credentials else { throw .unauthorized("401 unauthorized: registry \(registryLabel) requires credentials (Basic) and none are stored") }
            let response = try await get(url, headers: [("Authorization", credentials.basicAuthorization)], deadline: deadline)
            guard (200..<300).contains(response.status) else { throw failure(response, about: .registry) }
            return ("registry \(registryLabel) accepted the credentials of user \(credentials.username) (basic)", "basic")
        }
        authCache.remember(.bearer)
        let token = try await fetchToken(challenge, scope: challenge.scope, endpoint: endpoint, deadline: deadline)
        let response = try await get(url, headers: [("Authorization", "Bearer \(token.value)")], deadline: deadline)
        guard (200..<300).contains(response.status) else { throw failure(response, about: .registry) }
        let service = (try? tokenURL(challenge, scope: nil, endpoint: endpoint).label) ?? "its token service"
        if let credentials {
            return ("registry \(registryLabel) accepted the credentials of user \(credentials.username) (bearer token from \(service))", "bearer")
        }
        return ("registry \(registryLabel) answered with an anonymous bearer token from \(service) (no credentials stored)", "bearer")
    }
}
