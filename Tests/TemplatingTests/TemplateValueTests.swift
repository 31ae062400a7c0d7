import CoxswainTemplating
import Foundation
import Testing

@Suite("Template values")
struct TemplateValueTests {
    @Test("decodes every JSON kind, whole numbers as int")
    func decodesJSON() throws {
        let json = #"{"s": "x", "i": 3, "d": 2.5, "b": false, "n": null, "l": [1, "a"], "m": {"k": [true]}}"#
        let value = try JSONDecoder().decode(TemplateValue.self, from: Data(json.utf8))
        #expect(value == ["s": "x", "i": 3, "d": 2.5, "b": false, "n": nil, "l": [1, "a"], "m": ["k": [true]]])
    }

    @Test("round-trips through JSON")
    func roundTrip() throws {
        let value: TemplateValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": [:]]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(TemplateValue.self, from: data) == value)
    }

    @Test("prints like Python's str and repr")
    func pythonText() {
        #expect(TemplateValue.double(1).pythonString == "1.0")
        #expect(TemplateValue.bool(false).pythonString == "False")
        #expect(TemplateValue.null.pythonString == "None")
        #expect(TemplateValue.list(["it's", "a\"b", "c\n"]).pythonString == #"["it's", 'a"b', 'c\n']"#)
    }

    @Test("truthiness follows Python")
    func truthiness() {
        let falsy: [TemplateValue] = ["", 0, 0.0, false, nil, [], [:]]
        let truthy: [TemplateValue] = ["0", 1, -0.5, true, [0], ["k": nil]]
        #expect(falsy.allSatisfy { !$0.isTruthy })
        #expect(truthy.allSatisfy { $0.isTruthy })
    }
}
