import CoxswainCore
import CoxswainCrypto
import CoxswainStore
import Foundation
import Testing

/// The job seal covers the batch policy: a database writer cannot turn `--fail-fast` off or change
/// `--batch-wait` unnoticed, and jobs sealed before the policy existed still verify.
@Suite struct JobSealTests {
    static func seal(failFast: Bool = false, wait: Double? = nil) -> JobSeal {
        JobSeal(
            id: JobID(UUID(uuidString: "6f1c2a4e-0000-4000-8000-000000000001")!), team: TeamID("team"), verb: "RUN", arguments: "true",
            targets: ["a", "b"], timeoutSeconds: 60, steps: nil, after: nil, batch: "1", batchFailFast: failFast, batchWaitSeconds: wait,
            submittedBy: "ops", sealedSecrets: nil)
    }

    @Test("the batch policy is sealed; without one the seal is what it was before the policy existed")
    func batchPolicySealed() throws {
        let key = try SecretBox(key: SecretBox.generateKey())
        let mac = try Self.seal(failFast: true, wait: 30).mac(key)
        #expect(Self.seal(failFast: true, wait: 30).verify(mac, key: key))
        #expect(!Self.seal(failFast: false, wait: 30).verify(mac, key: key), "fail-fast turned off in the database")
        #expect(!Self.seal(failFast: true, wait: 0).verify(mac, key: key), "the pause changed in the database")
        let plain = String(decoding: try JSONEncoder().encode(Self.seal()), as: UTF8.self)
        #expect(!plain.contains("batchPolicy"), "no policy, no field: older MACs still verify")
        #expect(Self.seal(wait: 0).batchPolicy == nil)
    }
}
