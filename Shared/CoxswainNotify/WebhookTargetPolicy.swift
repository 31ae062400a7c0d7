/// Which addresses webhooks may be sent to: public ones only, unless the operator set
/// `notifications.allow_private_targets` (for receivers on the platform's own networks).
///
/// The sender resolves a host once, checks every address, and connects to the address it
/// checked (``WebhookSender``), so a name that resolves differently a moment later (DNS
/// rebinding) cannot slip a loopback or private address in between the check and the connection.
package struct WebhookTargetPolicy: Sendable, Equatable {
    /// `notifications.allow_private_targets`: also allow loopback, private, link-local and the
    /// other ranges of ``TargetAddress/RefusedRange``. Default `false`.
    package var allowPrivateTargets: Bool

    /// How long a host's resolution may take, by default.
    package static let defaultResolveTimeout: Duration = .seconds(5)

    /// Creates a policy.
    package init(allowPrivateTargets: Bool = false) {
        self.allowPrivateTargets = allowPrivateTargets
    }

    /// Why a host is no acceptable webhook target.
    package enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The host resolved only to addresses in refused ranges (the first one's range).
        case refusedAddress(TargetAddress.RefusedRange)
        /// The host did not resolve.
        case unresolved(TargetResolver.Failure)

        /// `true` if the same host may be accepted later (a resolver failure); a refused range
        /// needs a new URL or the operator's setting.
        package var isRetriable: Bool {
            if case .unresolved = self { return true }
            return false
        }

        /// A reason safe to log and to show the team; it never repeats the address.
        package var description: String {
            switch self {
            case .refusedAddress(let range):
                "the host is or resolves to a \(range.rawValue) address; webhooks may only go to public addresses "
                    + "(an operator can allow others with notifications.allow_private_targets)"
            case .unresolved(let failure):
                failure.description
            }
        }
    }

    /// Those of `addresses` that webhooks may go to, in the resolver's order; a refusal if none.
    package func permitted(_ addresses: [TargetAddress]) -> Result<[TargetAddress], Refusal> {
        guard let first = addresses.first else { return .failure(.unresolved(.unresolved("no IPv4 or IPv6 address"))) }
        if allowPrivateTargets { return .success(addresses) }
        let allowed = addresses.filter { $0.refusedRange == nil }
        return allowed.isEmpty ? .failure(.refusedAddress(first.refusedRange ?? .reserved)) : .success(allowed)
    }

    /// Resolves `host` (a name or an address literal, IPv6 without brackets) once and returns the
    /// addresses that may be connected to (``permitted(_:)``), in the resolver's order.
    package func check(host: String, timeout: Duration = defaultResolveTimeout) async -> Result<[TargetAddress], Refusal> {
        if let literal = TargetAddress(host) { return permitted([literal]) }
        switch await TargetResolver.resolve(host, timeout: timeout) {
        case .success(let addresses): return permitted(addresses)
        case .failure(let failure): return .failure(.unresolved(failure))
        }
    }
}
