import Foundation

/// The session `coxswain login` saves, in `$COXSWAIN_CONFIG_DIR` or `~/.config/coxswain/session.json` (mode 0600).
package struct SavedSession: Codable, Sendable, Equatable {
    package var url: String
    package var session: String
    package var user: String
    package var team: String?
    package var expiresAt: Date
    /// The CA file the login trusted for an `https://` URL (absolute), used again by later commands.
    package var caFile: String?

    static func path(environment: [String: String]) -> String {
        let dir = environment["COXSWAIN_CONFIG_DIR"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config/coxswain")
        return dir + "/session.json"
    }

    package static func load(environment: [String: String]) -> SavedSession? {
        guard let data = FileManager.default.contents(atPath: path(environment: environment)),
            let saved = try? JSONDecoder().decode(SavedSession.self, from: data), saved.expiresAt > Date()
        else { return nil }
        return saved
    }

    package func save(environment: [String: String]) throws {
        let path = Self.path(environment: environment)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: path, contents: try JSONEncoder().encode(self), attributes: [.posixPermissions: 0o600])
        chmod(path, 0o600)
    }

    package static func remove(environment: [String: String]) {
        try? FileManager.default.removeItem(atPath: path(environment: environment))
    }
}
