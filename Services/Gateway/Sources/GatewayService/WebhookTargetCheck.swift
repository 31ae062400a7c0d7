import CoxswainNotify

/// The Gateway's check of a webhook URL when a subscription is added: a port in 1...65535 and a
/// host that is, or resolves to, at least one address the policy allows (public ones, unless
/// `notifications.allow_private_targets`). A host that does not resolve (yet) is accepted: the
/// Audit service checks again before every attempt and connects only to the address it checked.
enum WebhookTargetCheck {
    /// How long the Gateway waits for the resolver before accepting the URL unchecked.
    static let resolveTimeout: Duration = .seconds(3)

    /// Why `url` is refused, or `nil`.
    static func refusal(for url: String, allowPrivateTargets: Bool) async -> String? {
        let parsed: WebhookURL
        do { parsed = try WebhookURL(url) } catch { return "\(error)" }
        var host = parsed.host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        switch await WebhookTargetPolicy(allowPrivateTargets: allowPrivateTargets).check(host: host, timeout: resolveTimeout) {
        case .success: return nil
        case .failure(let refusal): return refusal.isRetriable ? nil : refusal.description
        }
    }
}
