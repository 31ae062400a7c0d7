/// The tests of `x is name(...)` and of `select('name')`: Jinja's builtin tests. Only `defined`
/// and `undefined` accept an undefined value; every other test fails on one, naming it.
enum TestLibrary {
    static let names: Set<String> = [
        "!=", "<", "<=", "==", ">", ">=", "boolean", "defined", "divisibleby", "eq", "equalto", "even", "false", "float",
        "ge", "greaterthan", "gt", "in", "integer", "iterable", "le", "lessthan", "lower", "lt", "mapping", "ne", "none",
        "number", "odd", "sameas", "sequence", "string", "true", "undefined", "upper",
    ]

    static func apply(_ name: String, to input: Value, arguments: Arguments) throws(EvalFailure) -> Bool {
        switch name {
        case "defined": return input.isDefined
        case "undefined": return !input.isDefined
        default: break
        }
        func argument() throws(EvalFailure) -> Value {
            guard let value = arguments.positional.first else {
                throw .filter(name: name, message: "the test needs a value to compare with: is \(name)(...)")
            }
            return value
        }
        let value = try input.require()
        switch name {
        case "none": return value == .null
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": return value == .bool(true)
        case "false": return value == .bool(false)
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "number":
            switch value {
            case .int, .double: return true
            default: return false
            }
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .map = value { return true } else { return false }
        case "iterable", "sequence":
            switch value {
            case .list, .map, .string: return true
            default: return false
            }
        case "lower": if case .string(let text) = value { return text == text.lowercased() } else { return false }
        case "upper": if case .string(let text) = value { return text == text.uppercased() } else { return false }
        case "even", "odd":
            let number = try value.integer("the \(name) test")
            return number.isMultiple(of: 2) == (name == "even")
        case "divisibleby":
            let divisor = try argument().require().integer("divisibleby")
            guard divisor != 0 else { throw .evaluation("divisibleby(0) divides by zero") }
            return try value.integer("divisibleby").isMultiple(of: divisor)
        case "eq", "equalto", "==", "sameas": return Comparison.equal(value, try argument().require())
        case "ne", "!=": return !Comparison.equal(value, try argument().require())
        case "lt", "lessthan", "<": return try Comparison.order(value, try argument().require(), "<") < 0
        case "le", "<=": return try Comparison.order(value, try argument().require(), "<=") <= 0
        case "gt", "greaterthan", ">": return try Comparison.order(value, try argument().require(), ">") > 0
        case "ge", ">=": return try Comparison.order(value, try argument().require(), ">=") >= 0
        case "in": return try Comparison.contains(try argument(), value)
        default: throw .filter(name: name, message: "is not a known test")
        }
    }
}
