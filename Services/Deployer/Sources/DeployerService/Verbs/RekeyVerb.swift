import CoxswainCore

/// `REKEY`: new signing and sealing key pairs for the node, persisted and reported (public halves)
/// in the result. Not a pipeline verb: it has no options and must never be answered from the cache.
///
/// The new keys are only staged here: the REKEY result must still be signed with the old key (the
/// control plane knows no other yet), so the agent switches to them once that result is published
/// (`TrustStore.activateStagedKeys`).
struct RekeyVerb: VerbHandler {
    let verbs: [Verb] = [.rekey]
    let trust: TrustStore

    func execute(_ task: TaskSpec, context: VerbContext) async throws -> VerbOutcome {
        do {
            let (signing, sealing) = try trust.rekey()
            var outcome = VerbOutcome(status: .succeeded, exitCode: 0, stdout: "new keys generated; signing key \(signing.publicKey.base64)\n")
            outcome.rotatedSigningKey = signing.publicKey.base64
            outcome.rotatedSealingKey = sealing.publicKey.base64
            return outcome
        } catch {
            return VerbOutcome(status: .failed, error: "cannot write new keys: \(error)")
        }
    }
}
