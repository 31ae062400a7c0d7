import Testing

@testable import CoxswainContainerEngine

@Suite("Multiplexed log frames")
struct LogFrameDecoderTests {
    static func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let size = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)] + payload
    }

    @Test("whole frames decode to stdout and stderr chunks")
    func wholeFrames() throws {
        var decoder = LogFrameDecoder()
        let bytes = Self.frame(1, "line1\n") + Self.frame(2, "oops\n") + Self.frame(1, "line2\n")
        let chunks = try decoder.push(bytes) + decoder.finish()
        #expect(
            chunks == [
                ContainerLogChunk(stream: .stdout, text: "line1\n"), ContainerLogChunk(stream: .stderr, text: "oops\n"),
                ContainerLogChunk(stream: .stdout, text: "line2\n"),
            ])
    }

    @Test("frames split at every possible byte boundary decode the same", arguments: 1...20)
    func splitAnywhere(_ size: Int) throws {
        let bytes = Self.frame(1, "hello ") + Self.frame(2, "wörld\n") + Self.frame(1, "")
        var decoder = LogFrameDecoder()
        var chunks: [ContainerLogChunk] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + size)
            chunks += try decoder.push(bytes[index..<end])
            index = end
        }
        chunks += try decoder.finish()
        #expect(chunks.map(\.text).joined() == "hello wörld\n")
        #expect(chunks.first?.stream == .stdout)
        #expect(chunks.last?.stream == .stderr)
    }

    @Test("a header cut off at the end of the stream is an error; a cut-off payload is delivered")
    func truncated() throws {
        var decoder = LogFrameDecoder()
        _ = try decoder.push(Self.frame(1, "abc").prefix(5))
        #expect(throws: ContainerEngineError.self) { try decoder.finish() }
        var second = LogFrameDecoder()
        #expect(try second.push(Self.frame(2, "abcdef").prefix(10)).isEmpty)
        #expect(try second.finish() == [ContainerLogChunk(stream: .stderr, text: "ab")])
    }

    @Test("an unknown stream type is a typed error")
    func unknownStream() {
        var decoder = LogFrameDecoder()
        #expect(throws: ContainerEngineError.self) { try decoder.push(Self.frame(7, "x")) }
    }

    @Test("a huge announced frame is delivered in bounded chunks")
    func boundedChunks() throws {
        var decoder = LogFrameDecoder()
        let size = LogFrameDecoder.maximumChunkBytes + 10
        let header: [UInt8] = [1, 0, 0, 0, UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)]
        let chunks = try decoder.push(header + [UInt8](repeating: 0x61, count: size))
        #expect(chunks.count == 2)
        #expect(chunks[0].text.utf8.count == LogFrameDecoder.maximumChunkBytes)
    }

    @Test("raw mode (TTY) passes bytes through as stdout")
    func raw() throws {
        var decoder = LogFrameDecoder(raw: true)
        #expect(try decoder.push(Array("hi\n".utf8)) == [ContainerLogChunk(stream: .stdout, text: "hi\n")])
    }
}
