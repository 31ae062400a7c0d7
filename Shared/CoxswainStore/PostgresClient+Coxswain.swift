import Logging
import PostgresNIO

extension PostgresClient {
    /// A pooled client for Coxswain's database (plain TCP on loopback; TLS preferred elsewhere).
    package static func coxswain(
        host: String, port: Int, user: String, password: String?, database: String, maximumConnections: Int = 10,
        logger: Logger
    ) -> PostgresClient {
        let isLoopback = host == "127.0.0.1" || host == "localhost" || host == "::1"
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: isLoopback ? .disable : .prefer(.makeClientConfiguration())
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 1
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }
}
