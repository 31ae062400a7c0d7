import CoxswainCore
import CoxswainCrypto

/// A job's fingerprint as `orchestrate --finger-print` lists it and `--restrict` and `JOB_WAIT`
/// match it: its verb, argument string, vars and artifact digests, 16 hex characters. (The node
/// adds the rendered inputs to its own cache fingerprint.)
package enum JobFingerprint {
    package static func of(verb: String, arguments: String, varsJSON: String?, artifacts: [ArtifactRef] = []) -> String {
        var text = verb.uppercased() + "\u{1F}" + arguments + "\u{1F}" + (varsJSON ?? "")
        if !artifacts.isEmpty { text += "\u{1F}" + artifacts.map(\.digest).joined(separator: ",") }
        return String(Digest.sha256Hex(text).prefix(16))
    }

    package static func of(_ step: JobStep) -> String {
        step.fingerprint ?? of(verb: step.verb, arguments: step.arguments, varsJSON: step.varsJSON, artifacts: step.artifacts ?? [])
    }
}
