import CoxswainCore
import Foundation

extension RegistryClient {
    /// Repositories through a hosted listing API (Docker Hub, GitHub, GitLab), inside its namespace.
    /// GitHub falls back from `orgs/NS` to `users/NS` and GitLab from `groups/NS` to `projects/NS`
    /// when the first answers 404.
    func hostedRepositories(_ api: HostedRegistryAPI, limit: Int, deadline: Deadline) async throws(RegistryError) -> RegistryRepositoryList {
        if api.service == .github, credentials?.password.isEmpty ?? true {
            throw .unauthorized(
                "401 unauthorized: \(api.label) lists packages only with a token (read:packages); store it as the password of registry \(registryLabel)")
        }
        var hubToken = authCache.hubToken
        if api.service == .hub, hubToken == nil, let credentials, !credentials.password.isEmpty {
            hubToken = try await hubLogin(api, credentials: credentials, deadline: deadline)
            authCache.hubToken = hubToken
        }
        let headers = api.headers(login: credentials, hubToken: hubToken)
        let candidates = api.firstPageURLs(pageSize: pageSize)
        for (index, first) in candidates.enumerated() {
            do throws(RegistryError) {
                let (names, truncated) = try await paginate(from: first, limit: limit, deadline: deadline) { url throws(RegistryError) in
                    let response = try await get(url, headers: headers, deadline: deadline)
                    guard response.status == 200 else { throw failure(response, about: .api(label: api.label, namespace: api.namespace)) }
                    do {
                        return try api.page(response.data, linkHeaders: response.values("Link"), url: url)
                    } catch {
                        throw .badResponse(
                            "\(api.label) answered the listing of \(api.namespace) with something unexpected (\(String(describing: error).prefix(200)))")
                    }
                }
                return RegistryRepositoryList(repositories: names.sorted(), truncated: truncated)
            } catch {
                guard case .notFound = error, index + 1 < candidates.count else { throw error }
            }
        }
        throw .notFound("namespace \(api.namespace) not found at \(api.label)")
    }

    /// Logs in to Docker Hub's API (`POST /v2/users/login`) and returns its JWT.
    func hubLogin(_ api: HostedRegistryAPI, credentials: RegistryLogin, deadline: Deadline) async throws(RegistryError) -> String {
        struct Login: Encodable {
            var username: String
            var password: String
        }
        struct Answer: Decodable { var token: String? }
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(Login(username: credentials.username, password: credentials.password)))
        } catch {
            throw .invalid("cannot encode the Docker Hub login of registry \(registryLabel)")
        }
        let response = try await send(
            .post, api.hubLoginURL, headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: body, deadline: deadline)
        guard response.status == 200 else { throw failure(response, about: .tokenService(api.hubLoginURL)) }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.data), let token = answer.token, !token.isEmpty, Self.isHeaderSafe(token)
        else {
            throw .badResponse("\(api.label) answered the login of registry \(registryLabel) without a usable token")
        }
        return token
    }
}
