import CoxswainContainerEngine
import CoxswainCore

extension VerbOutcome {
    /// A container verb's failure from its engine, prefixed by the verb: a time limit is a
    /// time-out, everything else a failure with the engine error's operator message.
    static func engineFailure(_ verb: Verb, _ error: ContainerEngineError, stdout: String = "") -> VerbOutcome {
        let status: TaskStatus = if case .timedOut = error { .timedOut } else { .failed }
        return VerbOutcome(status: status, stdout: stdout, error: "\(verb.rawValue): \(error.description)")
    }

    /// No engine for a container verb: why, naming the socket the node tried.
    static func noEngine(_ verb: Verb, _ problem: NodeEngine.Unavailable) -> VerbOutcome {
        VerbOutcome(status: .failed, error: "\(verb.rawValue): no container engine on this node: \(problem)")
    }
}
