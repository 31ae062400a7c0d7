import CoxswainRuntime
import Foundation

/// Argon2id password hashing (libsodium `crypto_pwhash_str`), producing self-describing
/// strings such as `$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>` that hold the algorithm,
/// cost parameters and random salt.
///
/// Hashing and verifying deliberately take tens to hundreds of milliseconds of CPU and
/// 64 MiB (``Strength/interactive``) or 256 MiB (``Strength/moderate``) of memory, so the
/// `async` functions run the work on a dedicated OS thread per call and never block Swift's
/// cooperative pool. Each concurrent call costs a thread and that much memory: callers that
/// take passwords from the network (logins) must bound how many run at once.
package enum PasswordHasher {
    /// libsodium's cost presets.
    package enum Strength: Sendable, Equatable, CaseIterable {
        /// `OPSLIMIT_INTERACTIVE`/`MEMLIMIT_INTERACTIVE`: 2 passes over 64 MiB. For logins.
        case interactive
        /// `OPSLIMIT_MODERATE`/`MEMLIMIT_MODERATE`: 3 passes over 256 MiB, several times
        /// slower. For rarely used, high-value secrets.
        case moderate

        var limits: (ops: UInt64, memory: Int) {
            switch self {
            case .interactive: Sodium.passwordLimitsInteractive
            case .moderate: Sodium.passwordLimitsModerate
            }
        }
    }

    /// The Argon2id hash of `password` with a fresh random salt, to store instead of the
    /// password. Runs on a dedicated thread.
    ///
    /// - Throws: ``CryptoError/libraryFailure(_:)`` if libsodium could not allocate the memory.
    package static func hash(_ password: String, strength: Strength = .interactive) async throws -> String {
        let limits = strength.limits
        let encoded: String?
        do {
            encoded = try await DedicatedThread.run(name: "coxswain-argon2") { Sodium.passwordHash(password, ops: limits.ops, memory: limits.memory) }
        } catch {
            throw CryptoError.libraryFailure("Argon2id: \(error)")
        }
        guard let encoded else {
            throw CryptoError.libraryFailure("Argon2id could not allocate \(limits.memory >> 20) MiB to hash a password; free memory or lower concurrency")
        }
        return encoded
    }

    /// `true` if `password` matches a hash from ``hash(_:strength:)``; `false` for a wrong
    /// password or a malformed hash. The comparison is constant-time. Runs on a dedicated thread.
    package static func verify(_ password: String, hash: String) async -> Bool {
        // No thread to verify on (the process is at its thread limit): the password is not accepted.
        (try? await DedicatedThread.run(name: "coxswain-argon2") { Sodium.passwordVerify(password, hash: hash) }) ?? false
    }

    /// `true` if `hash` should be replaced by a fresh ``hash(_:strength:)`` the next time the
    /// password is known (after a successful ``verify(_:hash:)``): it is not Argon2id, not
    /// well-formed, or was made with other cost parameters than `strength`. Cheap; no thread.
    package static func needsRehash(_ hash: String, strength: Strength = .interactive) -> Bool {
        guard hash.hasPrefix(Sodium.argon2idPrefix) else { return true }
        let limits = strength.limits
        return Sodium.passwordNeedsRehash(hash, ops: limits.ops, memory: limits.memory)
    }
}
