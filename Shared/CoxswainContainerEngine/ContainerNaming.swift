/// Names of the containers Coxswain manages: `<prefix>-<name>`, both parts RFC 1123 labels
/// (lowercase letters, digits and `-`, 1–63 characters, no leading or trailing `-`), the whole
/// name at most 253 characters. The same rules hold on Podman and dockerd, and the names stay
/// usable as DNS names on container networks.
package enum ContainerNaming {
    /// Longest label (one part).
    package static let maximumLabelLength = 63
    /// Longest full container name.
    package static let maximumNameLength = 253

    /// The container name for `name` under `prefix`, or ``ContainerEngineError/invalidName(_:reason:)``.
    package static func containerName(prefix: String, name: String) throws(ContainerEngineError) -> String {
        try validateLabel(prefix, role: "prefix")
        try validateLabel(name, role: "name")
        let full = "\(prefix)-\(name)"
        guard full.utf8.count <= maximumNameLength else {
            throw .invalidName(full, reason: "longer than \(maximumNameLength) characters")
        }
        return full
    }

    /// Checks one part against the RFC 1123 label rules; `role` names it in the error.
    package static func validateLabel(_ label: String, role: String = "label") throws(ContainerEngineError) {
        let bytes = Array(label.utf8)
        guard !bytes.isEmpty else { throw .invalidName(label, reason: "the \(role) is empty") }
        guard bytes.count <= maximumLabelLength else {
            throw .invalidName(label, reason: "the \(role) is longer than \(maximumLabelLength) characters")
        }
        for byte in bytes where !(isLowercaseLetterOrDigit(byte) || byte == UInt8(ascii: "-")) {
            throw .invalidName(label, reason: "the \(role) may contain only lowercase letters, digits and '-'")
        }
        guard bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            throw .invalidName(label, reason: "the \(role) must not start or end with '-'")
        }
    }

    /// `true` if `containerName` (as the engine lists it, with or without the leading `/`) is
    /// `prefix` followed by `-` and a valid name part.
    package static func belongs(_ containerName: String, toPrefix prefix: String) -> Bool {
        let bare = containerName.hasPrefix("/") ? String(containerName.dropFirst()) : containerName
        guard bare.hasPrefix(prefix + "-") else { return false }
        let rest = String(bare.dropFirst(prefix.count + 1))
        return (try? validateLabel(rest)) != nil
    }

    private static func isLowercaseLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
