import CoxswainOrchestration
import Foundation
import Testing

@Suite("Source globbing")
struct FileGlobTests {
    private func makeTree(in root: String) throws {
        let fileManager = FileManager.default
        for directory in ["files/sub", "files/dir.j2", "other"] {
            try fileManager.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true)
        }
        for file in ["files/a.j2", "files/b.j2", "files/c.txt", "files/.hidden.j2", "files/sub/d.j2", "other/e.j2", "files/[x].j2"] {
            #expect(fileManager.createFile(atPath: "\(root)/\(file)", contents: Data("x".utf8)))
        }
    }

    @Test("expands *, ? and [...] to sorted regular files, skipping hidden files and directories")
    func expandsPatterns() throws {
        try withTemporaryDirectory { root in
            try makeTree(in: root)
            let base = SourceRef.resolve(".", against: root)
            func expand(_ pattern: String) throws -> [String] {
                try FileGlob.expand(SourceRef(pattern: pattern, baseDirectory: base)).map { String($0.dropFirst(base.count + 1)) }
            }
            #expect(try expand("files/*.j2") == ["files/[x].j2", "files/a.j2", "files/b.j2"])
            #expect(try expand("files/?.txt") == ["files/c.txt"])
            #expect(try expand("files/[ab].j2") == ["files/a.j2", "files/b.j2"])
            #expect(try expand("files/[!a].j2") == ["files/b.j2"])
            #expect(try expand("files/[[]x].j2") == ["files/[x].j2"])
            #expect(try expand("*/*/d.j2") == ["files/sub/d.j2"])
            #expect(try expand("files/.*.j2") == ["files/.hidden.j2"])
            #expect(try expand("files/a.j2") == ["files/a.j2"])
            #expect(try expand("files/../other/e.j2") == ["other/e.j2"])
        }
    }

    @Test("fails naming the pattern as written when nothing matches")
    func noMatch() throws {
        try withTemporaryDirectory { root in
            try makeTree(in: root)
            let source = SourceRef(pattern: "files/*.conf", baseDirectory: root)
            let error = #expect(throws: OrchestrationError.self) { try FileGlob.expand(source, at: jobLocation) }
            #expect(error == .noMatch(jobLocation, pattern: "files/*.conf"))
            #expect(error?.description.hasPrefix("site.yaml:7 (block 2 'install', job 3): no file matches 'files/*.conf'") == true)
            #expect(throws: OrchestrationError.noMatch(nil, pattern: "\(root)/files/dir.j2")) { try FileGlob.expand("\(root)/files/dir.j2") }
            #expect(throws: OrchestrationError.self) { try FileGlob.expand("\(root)/missing/*.j2") }
        }
    }

    @Test("matches one path part like fnmatch")
    func matcher() {
        #expect(FileGlob.matches("abc", pattern: "a*c"))
        #expect(FileGlob.matches("a.b.c", pattern: "a*b*c"))
        #expect(!FileGlob.matches("abd", pattern: "a*c"))
        #expect(FileGlob.matches("b", pattern: "[a-c]"))
        #expect(!FileGlob.matches("d", pattern: "[a-c]"))
        #expect(FileGlob.matches("d", pattern: "[^a-c]"))
        #expect(FileGlob.matches("]", pattern: "[]]"))
        #expect(FileGlob.matches("[", pattern: "["))
        #expect(FileGlob.matches("", pattern: "*"))
        #expect(!FileGlob.matches(".profile", pattern: "*"))
        #expect(FileGlob.hasMagic("a/*.j2") && !FileGlob.hasMagic("a/b.j2"))
    }
}
