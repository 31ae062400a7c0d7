extension RegistryClient {
    /// The typed error for an answer that is not a success: 401/403 unauthorized, 404 not found
    /// (naming the repository or tag), 429 rate limited, anything else a bad response quoting
    /// the registry's own message (secrets blanked).
    func failure(_ response: RegistryResponse, about subject: RegistrySubject) -> RegistryError {
        let status = response.status
        let detail = response.registryMessage.map { ": \(scrub($0))" } ?? ""
        switch status {
        case 401, 403:
            let prefix = status == 401 ? "401 unauthorized" : "403 denied"
            let who = credentials.map { "the credentials of user \($0.username.isEmpty ? "(empty)" : String($0.username.prefix(100)))" }
            let target = Self.target(subject)
            switch subject {
            case .tokenService(let service):
                if let who { return .unauthorized("\(prefix): the token service \(service) refused \(who) for registry \(registryLabel)") }
                return .unauthorized("\(prefix): the token service \(service) refused anonymous access to registry \(registryLabel); store credentials")
            case .api(let label, _):
                if credentials == nil { return .unauthorized("\(prefix): \(label) requires a token; store it as the password of registry \(registryLabel)") }
                return .unauthorized("\(prefix): \(label) refused the token stored for registry \(registryLabel)\(target)")
            default:
                if let who { return .unauthorized("\(prefix): registry \(registryLabel) refused \(who)\(target)") }
                return .unauthorized("\(prefix): registry \(registryLabel) requires credentials and none are stored")
            }
        case 404:
            switch subject {
            case .repository(let name):
                return .notFound("repository \(name) not found in registry \(registryLabel)")
            case .tag(let name, let reference):
                if response.errorCodes.contains("NAME_UNKNOWN") { return .notFound("repository \(name) not found in registry \(registryLabel)") }
                if reference.contains(":") { return .notFound("manifest \(name)@\(reference) not found in registry \(registryLabel)") }
                return .notFound("tag \(name):\(reference) not found in registry \(registryLabel)")
            case .blob(let name, let digest):
                return .notFound("blob \(digest) of repository \(name) not found in registry \(registryLabel)")
            case .api(let label, let namespace):
                return .notFound("namespace \(namespace) not found at \(label)")
            case .catalog:
                return .unsupported("registry \(registryLabel) does not offer the catalog API (_catalog answered 404)")
            case .registry:
                return .badResponse("registry \(registryLabel) answered 404 to \(response.url): is this a Docker Registry v2 API (and the right scheme)?")
            case .tokenService(let service):
                return .badResponse("the token service \(service) of registry \(registryLabel) answered 404")
            }
        case 429:
            return .rateLimited(retryAfterSeconds: response.retryAfterSeconds)
        default:
            let reason = Self.reasonPhrase(status)
            return .badResponse("\(status) \(reason): registry \(registryLabel) answered \(response.url) with \(status)\(detail)")
        }
    }

    /// ` for repository demo/httpd` and the like, or nothing for the registry itself.
    private static func target(_ subject: RegistrySubject) -> String {
        switch subject {
        case .registry, .tokenService, .api: ""
        case .catalog: " for the catalog"
        case .repository(let name): " for repository \(name)"
        case .tag(let name, let reference): " for \(name):\(reference)"
        case .blob(let name, _): " for repository \(name)"
        }
    }

    /// The reason phrase of common statuses, lowercased (`service unavailable`).
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 405: "method not allowed"
        case 408: "request timeout"
        case 409: "conflict"
        case 410: "gone"
        case 500: "internal server error"
        case 501: "not implemented"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        case 200..<300: "success"
        case 300..<400: "redirect"
        case 400..<500: "client error"
        case 500..<600: "server error"
        default: "unexpected status"
        }
    }
}
