import CoxswainCore
import Foundation
import Testing

@Suite("Schema recorder")
struct SchemaRecorderTests {
    enum Colour: String, Codable, CaseIterable {
        case red, green
    }

    struct Inner: Codable {
        var label: String
        var weight: Double?
    }

    struct Sample: Codable {
        var name: String
        var count: Int
        var enabled: Bool?
        var colour: Colour
        var at: Date
        var id: UUID
        var job: JobID
        var tags: [String]
        var inner: Inner
        var inners: [Inner]?
        var labels: [String: String]
        var unique: Set<Int>
    }

    /// A type that contains itself through an array and an optional.
    struct Tree: Codable {
        var value: Int
        var children: [Tree]
        var parent: Box?
        final class Box: Codable {
            let tree: Tree?
        }
    }

    @Test("records keys, types and optionality, recursing into nested types")
    func sample() throws {
        let recorder = SchemaRecorder()
        #expect(try recorder.schema(for: Sample.self) == ["$ref": "#/components/schemas/SchemaRecorderTests.Sample"])
        let sample = try #require(recorder.components["SchemaRecorderTests.Sample"])
        #expect(sample["type"] == "object")
        let required = Set(sample["required"]?.elements.compactMap(\.stringValue) ?? [])
        #expect(required == ["name", "count", "colour", "at", "id", "job", "tags", "inner", "labels", "unique"])
        let p = sample["properties"]?.members ?? [:]
        #expect(p["name"] == ["type": "string"])
        #expect(p["count"] == ["type": "integer", "format": "int64"])
        #expect(p["enabled"] == ["type": "boolean"])
        #expect(p["colour"] == ["type": "string", "enum": ["red", "green"]])
        #expect(p["at"] == ["type": "string", "format": "date-time"])
        #expect(p["id"] == ["type": "string", "format": "uuid"])
        #expect(p["job"]?["type"] == "string", "a single-value wrapper is inlined as its value")
        #expect(p["tags"] == ["type": "array", "items": ["type": "string"]])
        #expect(p["inner"] == ["$ref": "#/components/schemas/SchemaRecorderTests.Inner"])
        #expect(p["inners"] == ["type": "array", "items": ["$ref": "#/components/schemas/SchemaRecorderTests.Inner"]])
        #expect(p["labels"] == ["type": "object", "additionalProperties": ["type": "string"]])
        #expect(p["unique"] == ["type": "array", "items": ["type": "integer", "format": "int64"], "uniqueItems": true])
        let inner = try #require(recorder.components["SchemaRecorderTests.Inner"])
        #expect(inner["required"] == ["label"])
        #expect(inner["properties"]?["weight"] == ["type": "number", "format": "double"])
    }

    @Test("a type that contains itself is referenced, not expanded forever")
    func recursion() throws {
        let recorder = SchemaRecorder()
        _ = try recorder.schema(for: Tree.self)
        let tree = try #require(recorder.components["SchemaRecorderTests.Tree"])
        #expect(tree["properties"]?["children"] == ["type": "array", "items": ["$ref": "#/components/schemas/SchemaRecorderTests.Tree"]])
        #expect(tree["properties"]?["parent"] == ["$ref": "#/components/schemas/SchemaRecorderTests.Tree.Box"])
        #expect(recorder.components["SchemaRecorderTests.Tree.Box"]?["properties"]?["tree"] == ["$ref": "#/components/schemas/SchemaRecorderTests.Tree"])
    }

    @Test("custom init(from:) code is followed: renamed keys, defaults and validated wrappers")
    func customDecoding() throws {
        let recorder = SchemaRecorder()
        _ = try recorder.schema(for: ContainerConfig.Port.self)
        let port = try #require(recorder.components["ContainerConfig.Port"])
        #expect(port["required"] == ["internal"])
        #expect(port["properties"]?["protocol"] == ["type": "string", "enum": ["tcp", "udp"]])
        #expect(port["properties"]?["proto"] == nil)
        // NodeName validates the string it decodes: the recorder's placeholder passes.
        #expect(try recorder.schema(for: NodeName.self) == ["type": "string"])
    }

    @Test("a hand-written schema stands in for a type and is referenced")
    func override() throws {
        let recorder = SchemaRecorder()
        recorder.override(Inner.self, name: "Custom", schema: ["type": "object"], example: Inner(label: "x"))
        _ = try recorder.schema(for: Sample.self)
        #expect(recorder.components["SchemaRecorderTests.Sample"]?["properties"]?["inner"] == ["$ref": "#/components/schemas/Custom"])
        #expect(recorder.components["Custom"] == ["type": "object"])
    }

    /// A raw-value enum that is not CaseIterable.
    enum Kind: String, Codable {
        case started, finished = "done", failed
    }

    struct WithKind: Codable {
        var kind: Kind
    }

    @Test("the cases of a raw-value enum that is not CaseIterable are listed")
    func enumWithoutCaseIterable() throws {
        let recorder = SchemaRecorder()
        _ = try recorder.schema(for: WithKind.self)
        #expect(recorder.components["SchemaRecorderTests.WithKind"]?["properties"]?["kind"] == ["type": "string", "enum": ["started", "done", "failed"]])
    }

    @Test("the encoded document is deterministic JSON")
    func encoding() throws {
        let value: JSONValue = ["b": [1, true, .null, 1.5], "a": "x/y"]
        #expect(String(decoding: try value.encoded(pretty: false), as: UTF8.self) == #"{"a":"x/y","b":[1,true,null,1.5]}"#)
    }
}
