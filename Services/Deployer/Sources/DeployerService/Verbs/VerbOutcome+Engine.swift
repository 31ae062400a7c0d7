import CoxswainContainerEngine
import CoxswainCore
import Foundation

extension VerbOutcome {
    /// A container verb's failure from its engine, prefixed by the verb (unless the message names
    /// it already): a time limit is a time-out, everything else a failure with the engine error's
    /// operator message.
    static func engineFailure(_ verb: Verb, _ error: ContainerEngineError, stdout: String = "") -> VerbOutcome {
        let status: TaskStatus = if case .timedOut = error { .timedOut } else { .failed }
        let message = error.description.hasPrefix(verb.rawValue + " ") ? error.description : "\(verb.rawValue): \(error.description)"
        return VerbOutcome(status: status, stdout: stdout, error: message)
    }

    /// No engine for a container verb: why, naming the socket the node tried.
    static func noEngine(_ verb: Verb, _ problem: NodeEngine.Unavailable) -> VerbOutcome {
        VerbOutcome(status: .failed, error: "\(verb.rawValue): no container engine on this node: \(problem)")
    }

    /// A succeeded outcome whose stdout is `value` as one JSON document (the container verbs' answers).
    static func json(_ value: some Encodable) throws -> VerbOutcome {
        VerbOutcome(status: .succeeded, exitCode: 0, stdout: String(decoding: try JSONEncoder.answers.encode(value), as: UTF8.self) + "\n")
    }
}

extension JSONEncoder {
    /// Sorted keys, slashes as written (image names and paths stay readable): the container verbs' answers.
    static var answers: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
