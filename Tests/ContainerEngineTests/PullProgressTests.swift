import Testing

@testable import CoxswainContainerEngine

@Suite("Pull progress lines and registry errors")
struct PullProgressTests {
    @Test("progress lines split across chunks decode, numbers as Int64")
    func splitLines() throws {
        let text = """
            {"status":"Pulling fs layer","progressDetail":{},"id":"b1904ffe58ce"}
            {"status":"Downloading","progressDetail":{"current":1024,"total":5000000000},"progress":"[>   ]","id":"b1"}\r
            \n{"status":"Download complete","progressDetail":{},"id":"b1904ffe58ce"}
            """
        var decoder = JSONLineDecoder<PullProgress>(operation: "pull")
        var lines: [PullProgress] = []
        for piece in Array(text.utf8).chunked(7) { lines += try decoder.push(piece) }
        lines += try decoder.finish()
        #expect(lines.count == 3)
        #expect(lines[0].status == "Pulling fs layer")
        #expect(lines[1].progressDetail?.total == 5_000_000_000)
        #expect(lines[2].id == "b1904ffe58ce")
        #expect(lines.allSatisfy { $0.errorMessage == nil })
    }

    @Test("an errorDetail line (Podman's way to fail a pull) carries the message")
    func errorLine() throws {
        let line =
            #"{"progressDetail":{},"errorDetail":{"message":"reading manifest 9 in 127.0.0.1:25500/demo/httpd: manifest unknown: manifest unknown"},"error":"x"}"#
        var decoder = JSONLineDecoder<PullProgress>(operation: "pull")
        let decoded = try decoder.push(Array((line + "\n").utf8))
        #expect(decoded.first?.errorMessage?.contains("manifest unknown") == true)
    }

    @Test("a fraction or a non-JSON line fails with a typed error instead of trapping")
    func badNumbers() {
        var decoder = JSONLineDecoder<PullProgress>(operation: "pull")
        #expect(throws: ContainerEngineError.self) { try decoder.push(Array(#"{"progressDetail":{"current":1.5}}"#.utf8) + [10]) }
        #expect(throws: ContainerEngineError.self) { try decoder.push(Array("not json\n".utf8)) }
        #expect(throws: ContainerEngineError.self) { try decoder.push(Array(#"{"progressDetail":{"total":1e30}}"#.utf8) + [10]) }
    }

    @Test("registry failures map to typed errors naming registry, image and tag")
    func classify() throws {
        let reference = try ImageReference(parsing: "127.0.0.1:25500/demo/httpd:9")
        #expect(
            ContainerEngineError.registryFailure(
                message: "reading manifest 9 in 127.0.0.1:25500/demo/httpd: unauthorized: authentication required", status: nil,
                reference: reference, pushing: false) == .unauthorized(registry: "127.0.0.1:25500", image: "127.0.0.1:25500/demo/httpd:9"))
        #expect(
            ContainerEngineError.registryFailure(
                message: "Head \"http://x/v2/a/manifests/1\": no basic auth credentials", status: 500, reference: reference, pushing: false)
                == .unauthorized(registry: "127.0.0.1:25500", image: "127.0.0.1:25500/demo/httpd:9"))
        #expect(
            ContainerEngineError.registryFailure(message: "manifest unknown: manifest unknown", status: nil, reference: reference, pushing: false)
                == .imageNotFound(image: "127.0.0.1:25500/demo/httpd", tag: "9"))
        let other = ContainerEngineError.registryFailure(
            message: "connection refused with s3cret", status: 500, reference: reference, pushing: false, secrets: ["s3cret"])
        #expect(other == .pullFailed(image: "127.0.0.1:25500/demo/httpd", tag: "9", message: "connection refused with <redacted>"))
        #expect(!other.description.contains("s3cret"))
    }
}

extension Array {
    /// Pieces of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}
