import Foundation

extension ContainerEngineError {
    /// The typed error for a failed pull or push, from the engine's message: Podman answers
    /// HTTP 200 and streams an `errorDetail` line, dockerd answers HTTP 500 (or 404) with
    /// `{"message": …}`; both carry the registry's reason in text.
    ///
    /// - Parameters:
    ///   - message: The engine's error text.
    ///   - status: The HTTP status, when the failure came as one (nil for an error line).
    ///   - reference: The image pulled or pushed.
    ///   - pushing: `true` for a push.
    ///   - secrets: Strings to cut out of the message (the password), defensively.
    package static func registryFailure(
        message: String, status: Int?, reference: ImageReference, pushing: Bool, secrets: [String] = []
    ) -> ContainerEngineError {
        var cleaned = message
        for secret in secrets where !secret.isEmpty { cleaned = cleaned.replacingOccurrences(of: secret, with: "<redacted>") }
        let lower = cleaned.lowercased()
        let registry = reference.registry ?? "docker.io"
        let unauthorized = [
            "unauthorized", "authentication required", "no basic auth credentials", "401 unauthorized", "invalid username/password",
            "denied", "incorrect username or password",
        ]
        if status == 401 || status == 403 || unauthorized.contains(where: lower.contains) {
            return .unauthorized(registry: registry, image: reference.description)
        }
        let missing = ["manifest unknown", "name unknown", "not found", "no such image", "repository does not exist"]
        if !pushing, status == 404 || missing.contains(where: lower.contains) {
            return .imageNotFound(image: reference.name, tag: reference.tagOrDefault)
        }
        if pushing, status == 404 || lower.contains("no such image") {
            return .notFound(kind: "image", name: reference.description)
        }
        return pushing
            ? .pushFailed(image: reference.name, tag: reference.tagOrDefault, message: cleaned)
            : .pullFailed(image: reference.name, tag: reference.tagOrDefault, message: cleaned)
    }
}
