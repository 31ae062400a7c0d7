import CoxswainOrchestration
import Testing

@Suite("Errors name the file, line, block and job")
struct OrchestrationErrorTests {
    @Test("malformed YAML names the file, line and problem")
    func malformedYAML() throws {
        let path = fixturePath("malformed.yaml")
        let error = try #require(fileFailure(path))
        guard case .yaml(let file, let line, _, let problem) = error else {
            Issue.record("not a YAML error: \(error)")
            return
        }
        #expect(file == path)
        #expect(line == 5)
        #expect(!problem.isEmpty)
        #expect(error.description.hasPrefix("\(path):5:"))
        #expect(error.description.contains("invalid YAML"))
    }

    @Test("a duplicate key is a YAML error on its line")
    func duplicateKey() throws {
        let error = try #require(orchestrationFailure("- jobs:\n  - RUN: a\n  jobs:\n  - RUN: b\n"))
        #expect(error == .yaml(file: "site.yaml", line: 1, column: 3, problem: "duplicate key 'jobs' in one map"))
    }

    @Test("a block without jobs names the block")
    func blockWithoutJobs() throws {
        let error = try #require(orchestrationFailure("- jobs:\n  - RUN: ok\n- name: install\n  targets: [a]\n"))
        #expect(
            error
                == .structure(
                    SourceLocation(file: "site.yaml", line: 3, block: 2, blockName: "install"),
                    "the block has no 'jobs'; give it a list of jobs such as '- RUN: echo hello'"))
        #expect(error.description.hasPrefix("site.yaml:3 (block 2 'install'): the block has no 'jobs'"))
        #expect(orchestrationFailure("- jobs: []\n")?.description == "site.yaml:1 (block 1): the block's 'jobs' list is empty")
        #expect(orchestrationFailure("- jobs:\n")?.description.hasPrefix("site.yaml:1 (block 1): the block has no 'jobs'") == true)
    }

    @Test("a job that is not a map names the job")
    func jobNotAMap() throws {
        let error = try #require(orchestrationFailure("- name: web\n  jobs:\n  - RUN: ok\n  - echo hello\n"))
        #expect(
            error
                == .structure(
                    SourceLocation(file: "site.yaml", line: 4, block: 1, blockName: "web", job: 2),
                    "a job must be a map such as 'RUN: echo hello', not the value 'echo hello'"))
        #expect(error.description.hasPrefix("site.yaml:4 (block 1 'web', job 2): a job must be a map"))
    }

    @Test("an unknown verb names the job and lists the known verbs")
    func unknownVerb() throws {
        let error = try #require(orchestrationFailure("- jobs:\n  - RUN: ok\n\n- jobs:\n  - RUN: ok\n  - CONTAINER_FROB: --pull alpine\n"))
        #expect(error == .unknownVerb(SourceLocation(file: "site.yaml", line: 6, block: 2, job: 2), "CONTAINER_FROB", known: VerbParser.verbs))
        #expect(error.description.hasPrefix("site.yaml:6 (block 2, job 2): unknown verb 'CONTAINER_FROB'; known verbs: RUN, ARG, ENV"))
    }

    @Test("a bad option names the job, the verb, the option and why")
    func badOption() throws {
        let path = fixturePath("bad-option.yaml")
        let error = try #require(fileFailure(path))
        #expect(
            error
                == .badOption(
                    SourceLocation(file: path, line: 7, block: 2, blockName: "deploy", job: 2), verb: "COPY", "--chmod 'rw' is not an octal mode such as 0644"))
        #expect(error.description == "\(path):7 (block 2 'deploy', job 2): COPY: --chmod 'rw' is not an octal mode such as 0644; see 'COPY --exec-help'")
        #expect(orchestrationFailure("- jobs:\n  - WAIT: --retry 3\n")?.description.contains("WAIT: needs exactly one of --seconds N") == true)
        #expect(orchestrationFailure("- jobs:\n  - ADD: files/one\n")?.description.hasPrefix("site.yaml:2 (block 1, job 1): ADD: needs SRC… DEST") == true)
    }

    @Test("other shapes that mean nothing are refused with their place")
    func otherStructure() {
        #expect(
            orchestrationFailure("")?.description == "site.yaml: the file has no blocks; an orchestration is a YAML list of blocks, each with a 'jobs' list")
        #expect(orchestrationFailure("jobs: []\n")?.description.hasPrefix("site.yaml:1: the top level is a map, not a list of blocks") == true)
        #expect(orchestrationFailure("- just text\n")?.description.hasPrefix("site.yaml:1 (block 1): a block must be a map") == true)
        #expect(
            orchestrationFailure("- target: [a]\n  jobs:\n  - RUN: x\n")?.description
                == "site.yaml:1 (block 1): unknown block key 'target'; a block has name, targets, assign, async, jobs")
        #expect(
            orchestrationFailure("- jobs:\n  - RUN: a\n    ADD: b c\n")?.description
                == "site.yaml:2 (block 1, job 1): the job has 2 verbs (RUN, ADD); write one job per verb")
        #expect(
            orchestrationFailure("- jobs:\n  - RUN: a\n    when: b\n")?.description
                == "site.yaml:3 (block 1, job 1): unknown job key 'when'; a job has one verb and optionally name, assign, vars")
        #expect(orchestrationFailure("- jobs:\n  - name: only a name\n")?.description.hasPrefix("site.yaml:2 (block 1, job 1): the job has no verb") == true)
        #expect(
            orchestrationFailure("- jobs:\n  - RUN: [a, b]\n")?.description
                == "site.yaml:2 (block 1, job 1): the value of RUN must be its argument string, not a list")
        #expect(
            orchestrationFailure("- async: maybe\n  jobs:\n  - RUN: a\n")?.description
                == "site.yaml:1 (block 1): 'async' must be true or false, not the value 'maybe'")
        #expect(
            orchestrationFailure("- targets: {a: b}\n  jobs:\n  - RUN: a\n")?.description
                == "site.yaml:1 (block 1): 'targets' must be a list of node names, not a map")
        #expect(
            orchestrationFailure("- jobs:\n  - RUN: a\n    vars: [x]\n")?.description
                == "site.yaml:3 (block 1, job 1): 'vars' must be a map of option names to values, not a list")
    }

    @Test("a missing file is unreadable, never retriable")
    func missingFile() throws {
        let error = try #require(fileFailure("/nonexistent/site.yaml"))
        guard case .unreadableFile(let path, _) = error else {
            Issue.record("not unreadableFile: \(error)")
            return
        }
        #expect(path == "/nonexistent/site.yaml")
        #expect(error.description.hasPrefix("cannot read orchestration file /nonexistent/site.yaml: "))
        #expect(!error.isRetriable)
    }
}
