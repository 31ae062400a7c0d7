/// The verbs a bootstrap catalog job may use. Keys are matched without regard to case
/// (`RUN`, as in Directord, or `run`).
package enum CatalogVerb: String, Sendable, Equatable, Hashable, CaseIterable {
    /// `RUN CMD`: runs the command on the host.
    case run = "RUN"
    /// `ADD [--chmod MODE] SRC DEST`: uploads a local file.
    case add = "ADD"
    /// `COPY [--chmod MODE] SRC DEST`: the same as `ADD`.
    case copy = "COPY"
    /// `GET REMOTE [LOCALNAME]`: downloads a file into the run's artifacts.
    case get = "GET"

    /// The verbs, as they are written in messages.
    package static let known = allCases.map(\.rawValue)

    /// The verb a job key names, if any.
    package init?(key: String) {
        self.init(rawValue: key.uppercased())
    }

    /// How the verb is used, for messages.
    package var usage: String {
        switch self {
        case .run: "RUN COMMAND"
        case .add, .copy: "\(rawValue) [--chmod MODE] SOURCE DESTINATION"
        case .get: "GET REMOTE_PATH [LOCAL_NAME]"
        }
    }
}
