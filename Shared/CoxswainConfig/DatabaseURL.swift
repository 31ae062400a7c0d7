import Foundation

/// The parts of a `postgres://user:password@host:port/database` URL.
package struct DatabaseURL: Sendable, Equatable {
    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String

    /// Parses the URL; the error names the key and never echoes the password.
    package init(_ raw: String, key: String = "database.url") throws(ConfigError) {
        guard let c = URLComponents(string: raw), let scheme = c.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw .invalidValue(key: key, reason: "expected postgres://user:password@host:port/database")
        }
        guard let host = c.host, !host.isEmpty else { throw .invalidValue(key: key, reason: "no host") }
        guard let user = c.user, !user.isEmpty else { throw .invalidValue(key: key, reason: "no user") }
        let db = String(c.path.drop(while: { $0 == "/" }))
        guard !db.isEmpty else { throw .invalidValue(key: key, reason: "no database name in the path") }
        self.host = host
        self.port = c.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = c.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = db
    }
}
