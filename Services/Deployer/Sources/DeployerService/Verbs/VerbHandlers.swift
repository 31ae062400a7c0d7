import CoxswainCore

/// The table of verbs this agent executes: one handler per verb family. Directord's verbs go
/// through the shared `VerbPipeline` (options, templates, job cache); QUEUESENTINEL and REKEY act
/// on the agent's queue and keys directly. A new verb is its handler (listed here once), its
/// `Verb` case and traits, and its tests; `VerbTableTests` checks that every verb has a handler.
package enum VerbHandlers {
    /// Every handler, with the node's durable store (args, envs, job cache, queue watermark) and
    /// its keys.
    static func all(
        store: NodeStore, trust: TrustStore, engine: NodeEngine, proxy: PortProxyControl? = nil, stateDirectory: String? = nil
    ) -> [any VerbHandler] {
        [
            VerbPipeline(RunVerb(store: store), store: store),
            VerbPipeline(EchoVerb(), store: store),
            VerbPipeline(ArgsVerbs(store: store), store: store),
            VerbPipeline(WorkdirVerb(), store: store),
            VerbPipeline(WaitVerb(), store: store),
            VerbPipeline(ServiceVerb(), store: store),
            VerbPipeline(PackageVerb(), store: store),
            VerbPipeline(TransferVerb(), store: store),
            VerbPipeline(QueryVerbs(store: store), store: store),
            VerbPipeline(RebootVerb(), store: store),
            VerbPipeline(FacterVerb(store: store), store: store),
            VerbPipeline(PodVerb(engine: engine), store: store),
            VerbPipeline(ContainerImageVerb(engine: engine), store: store),
            VerbPipeline(SEContextVerb(), store: store),
            VerbPipeline(ContainerConfigDataVerb(store: store), store: store),
            QueueSentinelVerb(store: store),
            RekeyVerb(trust: trust),
            ContainerVerb(engine: engine),
            DeployVerb(engine: engine, proxy: proxy, stateDirectory: stateDirectory),
        ]
    }

    /// The handlers by verb (a verb claimed twice keeps its first handler; `VerbTableTests`
    /// checks that none is).
    package static func directord(
        store: NodeStore, trust: TrustStore, engine: NodeEngine = NodeEngine(unavailable: "this agent has no container engine configured"),
        proxy: PortProxyControl? = nil, stateDirectory: String? = nil
    ) -> [Verb: any VerbHandler] {
        var table: [Verb: any VerbHandler] = [:]
        for handler in all(store: store, trust: trust, engine: engine, proxy: proxy, stateDirectory: stateDirectory) {
            for verb in handler.verbs where table[verb] == nil { table[verb] = handler }
        }
        return table
    }
}
