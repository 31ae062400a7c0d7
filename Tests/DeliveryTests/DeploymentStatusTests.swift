import CoxswainCore
import Foundation
import Testing

/// The table of what each deployment status allows, cell by cell, written out by hand.
@Suite("Deployment status")
struct DeploymentStatusTests {
    /// `edit deploy delete copy`, Y for allowed.
    static let table: [DeploymentStatus: [VersionKind: String]] = [
        .preparing: [.rolling: "YYYY", .incremental: "YYYY"],
        .inProgress: [.rolling: "NNNN", .incremental: "NNNN"],
        .successful: [.rolling: "YYYY", .incremental: "NNYY"],
        .failed: [.rolling: "YYYY", .incremental: "YYYY"],
        .obsolete: [.rolling: "NYYY", .incremental: "NYYY"],
        .downgraded: [.rolling: "NNYY", .incremental: "NNYY"],
    ]
    static let columns: [DeploymentAction] = [.edit, .deploy, .delete, .copy]

    @Test("every status × version kind × action matches the table", arguments: DeploymentStatus.allCases, VersionKind.allCases)
    func allows(status: DeploymentStatus, kind: VersionKind) throws {
        let row = Array(try #require(Self.table[status]?[kind]))
        #expect(Set(Self.columns) == Set(DeploymentAction.allCases))
        for (column, action) in Self.columns.enumerated() {
            #expect(status.allows(action, versionKind: kind) == (row[column] == "Y"), "\(status) \(kind) \(action)")
        }
    }

    @Test("the table covers every status")
    func tableIsComplete() {
        #expect(Set(Self.table.keys) == Set(DeploymentStatus.allCases))
    }

    @Test("an incremental version freezes once a deployment is or was on a node")
    func freezing() {
        #expect(DeploymentStatus.allCases.filter(\.freezesIncrementalVersion) == [.inProgress, .successful, .obsolete, .downgraded])
    }

    @Test("statuses on the wire: in_progress with an underscore")
    func wire() throws {
        #expect(DeploymentStatus.allCases.map(\.rawValue) == ["preparing", "in_progress", "successful", "failed", "obsolete", "downgraded"])
        let decoded = try JSONDecoder().decode([DeploymentStatus].self, from: Data(#"["in_progress","obsolete"]"#.utf8))
        #expect(decoded == [.inProgress, .obsolete])
        #expect(String(decoding: try JSONEncoder().encode([DeploymentStatus.inProgress]), as: UTF8.self) == #"["in_progress"]"#)
    }

    @Test("a prefix is an RFC 1123 label")
    func prefixes() throws {
        for good in ["a", "web", "prod-1", "0abc", String(repeating: "x", count: 63)] { #expect(DeploymentPrefix(good) != nil, "\(good)") }
        for bad in ["", "-a", "a-", "A", "a_b", "a.b", "ä", String(repeating: "x", count: 64)] { #expect(DeploymentPrefix(bad) == nil, "\(bad)") }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DeploymentPrefix.self, from: Data(#""Bad""#.utf8)) }
        #expect(try JSONDecoder().decode(DeploymentPrefix.self, from: Data(#""ok-1""#.utf8)).rawValue == "ok-1")
    }

    @Test("config layers are ordered image < deployment < instance")
    func layers() {
        #expect(ConfigLayer.allCases.sorted() == [.image, .deployment, .instance])
    }
}
