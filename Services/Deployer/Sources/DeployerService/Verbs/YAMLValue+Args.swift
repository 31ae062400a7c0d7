import CoxswainOrchestration
import CoxswainTemplating
import Foundation

extension YAMLValue {
    /// The value as an arg for templates.
    func templateValue() throws -> TemplateValue {
        try JSONDecoder().decode(TemplateValue.self, from: try JSONEncoder().encode(self))
    }

    /// A value as an environment variable's text.
    var plainText: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        case .null: ""
        default: String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
        }
    }
}
