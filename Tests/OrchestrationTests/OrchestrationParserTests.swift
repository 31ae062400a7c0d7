import CoxswainOrchestration
import Foundation
import Testing

@Suite("Orchestration files")
struct OrchestrationParserTests {
    @Test("reads blocks, names, targets, assign, async and job vars from a file")
    func siteFile() throws {
        let path = fixturePath("site.yaml")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let blocks = try OrchestrationParser.parse(fileAt: path)
        try #require(blocks.count == 2)

        let prepare = blocks[0]
        #expect(prepare.name == "prepare")
        #expect(prepare.targets == ["node-a", "node-b"])
        #expect(prepare.assign == nil && !prepare.isAsync)
        #expect(prepare.source == SourceLocation(file: path, line: 2, block: 1, blockName: "prepare"))
        var expected = ParsedJob(
            verb: "RUN", call: .run(command: "echo hello", noBlock: false), options: JobOptions(skipCache: true, retry: 1), name: "greet",
            source: SourceLocation(file: path, line: 5, block: 1, blockName: "prepare", job: 1))
        // The raw argument string and vars are kept as written, for the node to parse again.
        expected.arguments = prepare.jobs[0].arguments
        expected.vars = prepare.jobs[0].vars
        #expect(prepare.jobs[0] == expected)
        #expect(prepare.jobs[0].arguments.hasSuffix("echo hello"))
        let sources = [SourceRef(pattern: "files/x.j2", baseDirectory: folder), SourceRef(pattern: "../shared/*.conf", baseDirectory: folder)]
        #expect(prepare.jobs[1].call == .add(sources: sources, destination: "/etc/app/", chown: "0:0", chmod: nil, blueprint: true))
        #expect(sources[0].path == folder + "/files/x.j2")
        #expect(sources[1].path == URL(fileURLWithPath: folder).deletingLastPathComponent().path + "/shared/*.conf")

        let install = blocks[1]
        #expect(install.name == "install")
        #expect(install.targets == nil)
        #expect(install.assign == ["node-c"])
        #expect(install.isAsync)
        #expect(install.jobs[0].assign == ["node-b"])
        #expect(install.jobs[0].call == .pkg(packages: ["nginx"], state: .latest, exclude: ["kernel", "firmware"], clearMetadata: false))
        #expect(install.jobs[0].options.retry == 5)
        #expect(install.jobs[1].verb == "RUN")
        #expect(install.jobs[1].source.description == "\(path):18 (block 2 'install', job 2)")
    }

    @Test("reads block scalars: literal scripts verbatim, folded options and values")
    func blockScalars() throws {
        let yaml = """
            - jobs:
              - RUN: |-
                  if true; then
                    echo "yes"
                  fi
              - RUN: >-
                  --run-once
                  --stdout-arg b64
                  base64 -w 0 /etc/hosts
              - ARG: >
                  complex {"a": "b"}
            """
        let jobs = try OrchestrationParser.parse(yaml: yaml, file: "site.yaml", baseDirectory: "/srv")[0].jobs
        #expect(jobs[0].call == .run(command: "if true; then\n  echo \"yes\"\nfi", noBlock: false))
        #expect(jobs[1].call == .run(command: "base64 -w 0 /etc/hosts", noBlock: false))
        #expect(jobs[1].options.runOnce && jobs[1].options.stdoutArg == "b64")
        #expect(jobs[2].call == .arg(key: "complex", value: .map(["a": .string("b")]), extend: false))
    }

    @Test("reads values as PyYAML does: yes is true, empty targets mean every node")
    func yamlValues() throws {
        let yaml = """
            - targets: []
              async: "False"
              jobs:
              - RUN: echo
                vars: {skip_cache: yes, timeout: 12}
            - targets: single-node
              async: on
              jobs:
              - RUN: 42
            """
        let blocks = try OrchestrationParser.parse(yaml: yaml, file: "site.yaml", baseDirectory: "/srv")
        #expect(blocks[0].targets == nil && !blocks[0].isAsync)
        #expect(blocks[0].jobs[0].options.skipCache && blocks[0].jobs[0].options.timeout == 12)
        #expect(blocks[1].targets == ["single-node"] && blocks[1].isAsync)
        #expect(blocks[1].jobs[0].call == .run(command: "42", noBlock: false))
    }

    @Test("encodes a parsed orchestration as JSON and back")
    func codableRoundTrip() throws {
        let blocks = try OrchestrationParser.parse(fileAt: fixturePath("site.yaml"))
        let data = try JSONEncoder().encode(blocks)
        #expect(try JSONDecoder().decode([ParsedBlock].self, from: data) == blocks)
        let value = YAMLValue.map(["list": .list([.int(1), .double(1.5), .bool(false), .null, .string("x")])])
        #expect(try JSONDecoder().decode(YAMLValue.self, from: JSONEncoder().encode(value)) == value)
    }
}
