import CoxswainCore
import Foundation
import Testing

/// Ids are lowercase on the wire and in every document the CLI prints (Foundation's UUID encodes
/// in uppercase); any case is read.
struct LowercaseIDTests {
    let uuid = UUID(uuidString: "3F2A9C1B-0000-4000-8000-00000000ABCD")!

    @Test("JobID and TaskID encode lowercase and decode any case")
    func jobAndTaskIDs() throws {
        let encoded = String(decoding: try JSONEncoder().encode([JobID(uuid)]), as: UTF8.self)
        #expect(encoded == "[\"3f2a9c1b-0000-4000-8000-00000000abcd\"]")
        #expect(String(decoding: try JSONEncoder().encode([TaskID(uuid)]), as: UTF8.self) == encoded)
        let decoded = try JSONDecoder().decode([JobID].self, from: Data("[\"3F2A9C1B-0000-4000-8000-00000000ABCD\"]".utf8))
        #expect(decoded == [JobID(uuid)])
    }

    @Test("bootstrap run ids encode lowercase (runs and their events)")
    func bootstrapRunIDs() throws {
        let run = BootstrapRunSummary(
            id: uuid, status: .running, hosts: 1, succeeded: 0, failed: 0, submittedBy: "root", error: nil, createdAt: Date(), finishedAt: nil)
        let text = String(decoding: try JSONEncoder().encode(run), as: UTF8.self)
        #expect(text.contains("\"id\":\"3f2a9c1b-0000-4000-8000-00000000abcd\""), "\(text)")
        let event = BootstrapEvent(runID: uuid, teamID: nil, kind: .runStarted)
        let eventText = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        #expect(eventText.contains("3f2a9c1b-0000-4000-8000-00000000abcd"), "\(eventText)")
        #expect(try JSONDecoder().decode(BootstrapRunSummary.self, from: Data(text.utf8)).id == uuid)
    }
}
