import CoxswainCore
import Foundation
import Testing

@testable import DeployerService

/// The node's verb table: one handler per family, every verb covered once, and the verbs that
/// act on the agent's own state (QUEUESENTINEL, REKEY) as handlers too.
@Suite(.timeLimit(.minutes(1))) struct VerbTableTests {
    /// A node store and trust store in a fresh state directory.
    struct Node {
        let directory: String
        let store: NodeStore
        let trust: TrustStore

        init() throws {
            directory = NSTemporaryDirectory() + "coxswain-verb-table-\(UUID().uuidString.prefix(8))"
            store = try NodeStore(journal: try TaskJournal(directory: directory))
            trust = TrustStore(
                identity: try NodeIdentity.load(directory: directory),
                credentials: EnrolResponse(node: "web-1", teamID: "team", amqpURL: "amqp://localhost", queue: "q", controlPlaneKeys: []),
                directory: directory
            )
        }

        func context(batchIssuedAt: Date = Date()) -> VerbContext {
            VerbContext(
                emit: { _, _ in }, environment: ["PATH": "/usr/bin:/bin"], outputLimit: 1 << 20, taskID: TaskID(), artifacts: nil,
                rebootCommand: "true", batchIssuedAt: batchIssuedAt
            )
        }

        func run(_ verb: Verb, _ arguments: String, batchIssuedAt: Date = Date()) async throws -> VerbOutcome {
            let table = VerbHandlers.directord(store: store, trust: trust)
            let handler = try #require(table[verb])
            return try await handler.execute(
                TaskSpec(taskID: TaskID(), verb: verb, arguments: arguments, timeoutSeconds: 10), context: context(batchIssuedAt: batchIssuedAt))
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test("every verb has exactly one handler in the table")
    func everyVerbHasOneHandler() throws {
        let node = try Node()
        defer { node.remove() }
        let claims = VerbHandlers.all(store: node.store, trust: node.trust, engine: NodeEngine(unavailable: "test")).flatMap(\.verbs)
        let table = VerbHandlers.directord(store: node.store, trust: node.trust)
        for verb in Verb.allCases {
            #expect(table[verb] != nil, "no handler for \(verb.rawValue)")
            #expect(claims.filter { $0 == verb }.count == 1, "\(verb.rawValue) is claimed by \(claims.filter { $0 == verb }.count) handlers")
        }
        #expect(Set(claims) == Set(Verb.allCases))
    }

    @Test("only QUEUESENTINEL acts on the queue of batches")
    func onlyTheSentinelControlsTheQueue() throws {
        let node = try Node()
        defer { node.remove() }
        let table = VerbHandlers.directord(store: node.store, trust: node.trust)
        #expect(Verb.allCases.filter { table[$0]?.controlsQueue == true } == [.queueSentinel])
    }

    @Test("an uncached verb runs every time; a cached one is answered from the cache the second time")
    func cacheFollowsTheTraits() async throws {
        let node = try Node()
        defer { node.remove() }
        #expect(Verb.echo.traits.contains(.uncached))
        let first = try await node.run(.echo, "hello")
        let second = try await node.run(.echo, "hello")
        #expect(!first.cached && !second.cached && second.stdout == "hello\n")
        #expect(!Verb.run.traits.contains(.uncached))
        let run = try await node.run(.run, "echo hi")
        let again = try await node.run(.run, "echo hi")
        #expect(!run.cached && run.stdout == "hi\n")
        #expect(again.cached && again.fingerprint == run.fingerprint && again.stdout == "")
    }

    @Test("QUEUESENTINEL sets the drop watermark to its batch's issue time, every time")
    func sentinelSetsTheWatermark() async throws {
        let node = try Node()
        defer { node.remove() }
        let issued = Date(timeIntervalSince1970: 1_700_000_000)
        let outcome = try await node.run(.queueSentinel, "", batchIssuedAt: issued)
        #expect(outcome.status == .succeeded && !outcome.cached && outcome.fingerprint == nil)
        #expect(outcome.stdout == "tasks issued before \(WireCoding.formatDate(issued)) and not started are dropped\n")
        #expect(try await node.store.dropBefore() == issued)
        let later = issued.addingTimeInterval(60)
        let again = try await node.run(.queueSentinel, "", batchIssuedAt: later)
        #expect(again.status == .succeeded && !again.cached)
        #expect(try await node.store.dropBefore() == later)
    }

    @Test("REKEY reports new keys and stages them; the node signs with the old key until they are activated")
    func rekeyStagesNewKeys() async throws {
        let node = try Node()
        defer { node.remove() }
        let old = node.trust.signingKey.publicKey.base64
        let outcome = try await node.run(.rekey, "")
        let new = try #require(outcome.rotatedSigningKey)
        #expect(outcome.status == .succeeded && outcome.rotatedSealingKey != nil && new != old)
        #expect(outcome.stdout == "new keys generated; signing key \(new)\n")
        #expect(node.trust.signingKey.publicKey.base64 == old)
        #expect(node.trust.activateStagedKeys()?.publicKey.base64 == new)
        #expect(node.trust.signingKey.publicKey.base64 == new)
        #expect(node.trust.activateStagedKeys() == nil)
        // Persisted: a restart loads the new keys.
        #expect(try NodeIdentity.load(directory: node.directory).signing.publicKey.base64 == new)
    }
}
