import CoxswainCore
import Foundation

extension RegistryCredentials {
    /// The engine's credentials for the ones a task carried (`RegistryAuth`, sealed to this node).
    package init(_ auth: RegistryAuth) {
        self.init(username: auth.username, password: auth.password, serverAddress: auth.serverAddress)
    }

    /// The credentials in a task's (opened) secret environment, if any; nil when absent, an error
    /// when present but not a `RegistryAuth` document (never the value in the message).
    package static func fromTaskEnvironment(_ environment: [String: String]) throws(ContainerEngineError) -> RegistryCredentials? {
        guard let json = environment[RegistryAuth.environmentKey] else { return nil }
        guard let auth = try? JSONDecoder().decode(RegistryAuth.self, from: Data(json.utf8)) else {
            throw ContainerEngineError.invalidRequest(
                operation: "pull", reason: "\(RegistryAuth.environmentKey) is not registry credentials (username, password, serverAddress)")
        }
        return RegistryCredentials(auth)
    }
}
