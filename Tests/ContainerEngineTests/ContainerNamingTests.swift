import Testing

@testable import CoxswainContainerEngine

@Suite("Container naming and labels")
struct ContainerNamingTests {
    @Test("a valid prefix and name join with a dash")
    func joinsPrefixAndName() throws {
        #expect(try ContainerNaming.containerName(prefix: "team1-app", name: "web") == "team1-app-web")
        #expect(try ContainerNaming.containerName(prefix: "a", name: "0") == "a-0")
    }

    @Test(
        "parts that break RFC 1123 label rules are refused with a typed error",
        arguments: ["", "Web", "web_1", "-web", "web-", "wéb", "web.1", String(repeating: "a", count: 64), "a b"])
    func refusesBadParts(_ part: String) {
        #expect(throws: ContainerEngineError.self) { try ContainerNaming.containerName(prefix: "p", name: part) }
        #expect(throws: ContainerEngineError.self) { try ContainerNaming.containerName(prefix: part, name: "web") }
    }

    @Test("a 63-character label is the longest accepted")
    func longestLabel() throws {
        let label = String(repeating: "a", count: 63)
        #expect(try ContainerNaming.containerName(prefix: label, name: label).count == 127)
    }

    @Test("the error names the offending value and the rule")
    func errorNamesValue() {
        do {
            _ = try ContainerNaming.containerName(prefix: "p", name: "Web")
            Issue.record("expected an error")
        } catch {
            guard case .invalidName(let name, let reason) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(name == "Web")
            #expect(reason.contains("lowercase"))
            #expect(error.isRetriable == false)
        }
    }

    @Test("belongs matches names under the prefix only")
    func belongsToPrefix() {
        #expect(ContainerNaming.belongs("/p1-web", toPrefix: "p1"))
        #expect(ContainerNaming.belongs("p1-web-2", toPrefix: "p1"))
        #expect(!ContainerNaming.belongs("p10-web", toPrefix: "p1"))
        #expect(!ContainerNaming.belongs("p1-", toPrefix: "p1"))
        #expect(!ContainerNaming.belongs("p1", toPrefix: "p1"))
    }

    @Test("managed labels carry every key and the prefix filter selects them")
    func managedLabels() {
        let labels = ContainerLabels.managedLabels(team: "t", prefix: "p", deployment: "d", configDigest: "sha256:x")
        #expect(labels["io.coxswain.team"] == "t")
        #expect(labels["io.coxswain.prefix"] == "p")
        #expect(labels["io.coxswain.deployment"] == "d")
        #expect(labels["io.coxswain.config-digest"] == "sha256:x")
        #expect(labels["io.coxswain.managed"] == "true")
        #expect(ContainerLabels.prefixFilter("p") == ["io.coxswain.managed=true", "io.coxswain.prefix=p"])
    }
}
