import CoxswainCore
import Foundation
import Testing

@testable import DeployerService

/// FACTER on a node: the facts become the arg `facter`, the other args stay; a node without
/// facter says how to get it.
@Suite(.timeLimit(.minutes(1))) struct FacterVerbTests {
    typealias Node = VerbTableTests.Node

    func run(_ verb: FacterVerb, on node: Node) async throws -> VerbOutcome {
        try await VerbPipeline(verb, store: node.store).execute(
            TaskSpec(taskID: TaskID(), verb: .facter, arguments: "", timeoutSeconds: 10), context: node.context())
    }

    @Test("the facts are cached as the arg 'facter' for templates; other args stay")
    func factsCached() async throws {
        let node = try Node()
        defer { node.remove() }
        let fake = node.directory + "/facter"
        try "#!/bin/sh\necho '{\"os\": {\"family\": \"Debian\", \"release\": {\"major\": \"12\"}}, \"processors\": {\"count\": 2}}'\n"
            .write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        #expect(try await node.run(.arg, "version 2.4.1").status == .succeeded)

        let outcome = try await run(FacterVerb(store: node.store, command: fake), on: node)
        #expect(outcome.status == .succeeded, "\(outcome)")
        #expect(outcome.stdout == "2 facts cached as the arg 'facter'\n")
        let rendered = try await node.run(.echo, "{{ facter.os.family }} {{ facter.os.release.major }} {{ version }}")
        #expect(rendered.stdout == "Debian 12 2.4.1\n", "\(rendered)")
    }

    @Test("a node without facter fails saying how to install it")
    func missingFacter() async throws {
        let node = try Node()
        defer { node.remove() }
        let outcome = try await run(FacterVerb(store: node.store, command: "coxswain-no-such-facter"), on: node)
        #expect(outcome.status == .failed)
        #expect(outcome.error == "facter is not installed on this node (Debian: apt-get install facter)")
    }

    @Test("output that is not a mapping of facts fails clearly")
    func badOutput() async throws {
        let node = try Node()
        defer { node.remove() }
        let outcome = try await run(FacterVerb(store: node.store, command: "echo '[1, 2]' #"), on: node)
        #expect(outcome.status == .failed)
        #expect(outcome.error == "facter --json printed no mapping of facts", "\(outcome)")
    }
}
