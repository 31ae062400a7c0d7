import Testing

@testable import CoxswainContainerEngine

@Suite("Image references")
struct ImageReferenceTests {
    @Test("a registry with a port, a path and a tag")
    func registryPortPathTag() throws {
        let reference = try ImageReference(parsing: "127.0.0.1:25500/demo/httpd:1")
        #expect(reference.registry == "127.0.0.1:25500")
        #expect(reference.repository == "demo/httpd")
        #expect(reference.tag == "1")
        #expect(reference.digest == nil)
        #expect(reference.name == "127.0.0.1:25500/demo/httpd")
        #expect(reference.description == "127.0.0.1:25500/demo/httpd:1")
    }

    @Test("without a registry or tag: the engine's default registry and latest")
    func bareName() throws {
        let reference = try ImageReference(parsing: "busybox")
        #expect(reference.registry == nil)
        #expect(reference.repository == "busybox")
        #expect(reference.tagOrDefault == "latest")
        #expect(reference.description == "busybox:latest")
        let library = try ImageReference(parsing: "library/nginx:1.25-alpine")
        #expect(library.registry == nil)
        #expect(library.repository == "library/nginx")
    }

    @Test("localhost and dotted hosts are registries; a port without a tag is not a tag")
    func registryDetection() throws {
        #expect(try ImageReference(parsing: "localhost/coxswain-demo:1").registry == "localhost")
        #expect(try ImageReference(parsing: "ghcr.io/org/app").registry == "ghcr.io")
        #expect(try ImageReference(parsing: "MyHost/app").registry == "MyHost")  // uppercase: a host, as Docker reads it
        let withPort = try ImageReference(parsing: "localhost:5000/app")
        #expect(withPort.registry == "localhost:5000")
        #expect(withPort.tag == nil)
    }

    @Test("a digest, with or without a tag")
    func digest() throws {
        let hex = String(repeating: "ab", count: 32)
        let reference = try ImageReference(parsing: "ghcr.io/org/app:2@sha256:\(hex)")
        #expect(reference.tag == "2")
        #expect(reference.digest == "sha256:\(hex)")
        let only = try ImageReference(parsing: "app@sha256:\(hex)")
        #expect(only.tag == nil)
        #expect(only.tagOrDefault == "sha256:\(hex)")
    }

    @Test(
        "invalid references are refused with a typed error",
        arguments: [
            "", "upper/App", "app:", "app:-bad", "app:" + String(repeating: "a", count: 129), "app@sha256:short", "a//b", "/app", "app/",
            "app name", "ghcr.io:99999/app", "app..x", "app:tag@md5", "-app",
        ])
    func invalid(_ text: String) {
        #expect(throws: ContainerEngineError.self) { try ImageReference(parsing: text) }
    }

    @Test("tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
    func tagGrammar() {
        #expect(ImageReference.isValidTag("v1.2.3-rc_1"))
        #expect(ImageReference.isValidTag("_x"))
        #expect(ImageReference.isValidTag(String(repeating: "a", count: 128)))
        #expect(!ImageReference.isValidTag(String(repeating: "a", count: 129)))
        #expect(!ImageReference.isValidTag(".x"))
        #expect(!ImageReference.isValidTag("a/b"))
    }

    @Test("path components allow ., _, __ and runs of - between alphanumerics")
    func pathComponents() {
        for good in ["a", "a.b", "a_b", "a__b", "a---b", "a1.b2"] { #expect(ImageReference.isValidPathComponent(good), "\(good)") }
        for bad in ["a___b", "a..b", "a._b", "_a", "a-", "A"] { #expect(!ImageReference.isValidPathComponent(bad), "\(bad)") }
    }

    @Test("withTag swaps the tag")
    func withTag() throws {
        let reference = try ImageReference(parsing: "127.0.0.1:25500/demo/httpd:1").withTag("2")
        #expect(reference.description == "127.0.0.1:25500/demo/httpd:2")
    }
}
