import Stencil

/// Evaluates expressions against the variables of a Stencil `Context` (which holds ``Value``s),
/// with Python semantics and strict undefined handling.
struct Evaluator {
    let context: Context

    func evaluate(_ expression: Expression) throws(EvalFailure) -> Value {
        switch expression {
        case .literal(let value):
            return .defined(value)
        case .name(let name):
            return context[name] as? Value ?? .undefined(name: name)
        case .attribute(let base, let name):
            return try evaluate(base).attribute(name, source: expression)
        case .item(let base, let key):
            let container = try evaluate(base)
            guard container.isDefined else { return container }
            return try container.item(try evaluate(key).require(), source: expression)
        case .slice(let base, let start, let stop, let step):
            return try slice(try evaluate(base), start: start, stop: stop, step: step)
        case .call(let callee, let arguments):
            return try call(callee, arguments, source: expression)
        case .filter(let base, let name, let arguments):
            return try FilterLibrary.apply(
                name, to: try evaluate(base), arguments: try evaluate(arguments), source: expression.sourceText,
                inputSource: base.sourceText, evaluator: self)
        case .test(let base, let name, let arguments, let negated):
            let result = try TestLibrary.apply(name, to: try evaluate(base), arguments: try evaluate(arguments))
            return .defined(.bool(result != negated))
        case .not(let operand):
            return .defined(.bool(!(try evaluate(operand).isTruthy())))
        case .negate(let operand):
            switch try evaluate(operand).require() {
            case .int(let value): return .defined(value == .min ? .double(-Double(value)) : .int(-value))
            case .double(let value): return .defined(.double(-value))
            case .bool(let value): return .defined(.int(value ? -1 : 0))
            case let value: throw .evaluation("bad operand type for unary -: '\(value.typeName)'")
            }
        case .and(let lhs, let rhs):
            let left = try evaluate(lhs)
            return try left.isTruthy() ? try evaluate(rhs) : left
        case .or(let lhs, let rhs):
            let left = try evaluate(lhs)
            return try left.isTruthy() ? left : try evaluate(rhs)
        case .binary(let op, let lhs, let rhs):
            return .defined(try Arithmetic.apply(op, try evaluate(lhs).require(), try evaluate(rhs).require()))
        case .compare(let first, let comparisons):
            var left = try evaluate(first)
            for comparison in comparisons {
                let right = try evaluate(comparison.operand)
                guard try Comparison.holds(left, comparison.op, right) else { return .defined(.bool(false)) }
                left = right
            }
            return .defined(.bool(true))
        case .list(let items):
            return .list(try items.map { item throws(EvalFailure) in try evaluate(item) })
        case .dict(let entries):
            var map: [String: TemplateValue] = [:]
            for entry in entries {
                map[try evaluate(entry.key).require().pythonString] = try evaluate(entry.value).require()
            }
            return .defined(.map(map))
        case .conditional(let value, let condition, let otherwise):
            if try evaluate(condition).isTruthy() { return try evaluate(value) }
            // Jinja's default `Undefined` prints nothing for `{{ x if false }}`; so does Coxswain.
            return try otherwise.map { expression throws(EvalFailure) in try evaluate(expression) } ?? .defined(.string(""))
        }
    }

    func evaluate(_ arguments: [Expression.Argument]) throws(EvalFailure) -> Arguments {
        var result = Arguments()
        for argument in arguments {
            let value = try evaluate(argument.value)
            if let label = argument.label { result.keyword[label] = value } else { result.positional.append(value) }
        }
        return result
    }

    private func call(_ callee: Expression, _ arguments: [Expression.Argument], source: Expression) throws(EvalFailure) -> Value {
        switch callee {
        case .attribute(let base, let method):
            let receiver = try evaluate(base)
            return try MethodLibrary.call(method, on: receiver.require(), arguments: try evaluate(arguments), source: source.sourceText)
        case .name("range"):
            let numbers = try evaluate(arguments).positional.map { value throws(EvalFailure) in try value.require().integer("range") }
            guard (1...3).contains(numbers.count) else { throw .evaluation("range expects 1 to 3 arguments, got \(numbers.count)") }
            let start = numbers.count == 1 ? 0 : numbers[0]
            let stop = numbers.count == 1 ? numbers[0] : numbers[1]
            let step = numbers.count == 3 ? numbers[2] : 1
            guard step != 0 else { throw .evaluation("range() step must not be zero") }
            let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
            guard span / Double(step.magnitude) <= 100_000 else { throw .evaluation("range() is limited to 100000 items") }
            return .defined(.list(stride(from: start, to: stop, by: step).map(TemplateValue.int)))
        case .name("dict"):
            var map: [String: TemplateValue] = [:]
            for (key, value) in try evaluate(arguments).keyword { map[key] = try value.require() }
            return .defined(.map(map))
        case .name(let name) where context[name] == nil:
            throw .undefined(name: name)
        default:
            throw .evaluation("'\(callee.sourceText)' is not callable")
        }
    }

    private func slice(_ base: Value, start: Expression?, stop: Expression?, step: Expression?) throws(EvalFailure) -> Value {
        func bound(_ expression: Expression?) throws(EvalFailure) -> Int? {
            guard let expression else { return nil }
            let value = try evaluate(expression).require()
            return value == .null ? nil : try value.integer("slice")
        }
        let (start, stop, step) = (try bound(start), try bound(stop), try bound(step) ?? 1)
        guard step != 0 else { throw .evaluation("slice step cannot be zero") }
        if case .defined(.string(let text)) = base {
            let characters = Array(text)
            return .defined(.string(String(Self.sliceIndices(characters.count, start, stop, step).map { characters[$0] })))
        }
        let elements = try base.elements()
        return .list(Self.sliceIndices(elements.count, start, stop, step).map { elements[$0] })
    }

    /// Python's slice rules: negative bounds count from the end, out-of-range bounds clamp.
    static func sliceIndices(_ count: Int, _ start: Int?, _ stop: Int?, _ step: Int) -> [Int] {
        func clamp(_ value: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
            guard var value else { return fallback }
            if value < 0 { value += count }
            return min(max(value, low), high)
        }
        if step > 0 {
            let from = clamp(start, 0, low: 0, high: count)
            let to = clamp(stop, count, low: 0, high: count)
            return Array(stride(from: from, to: to, by: step))
        }
        let from = clamp(start, count - 1, low: -1, high: count - 1)
        let to = clamp(stop, -1, low: -1, high: count - 1)
        return Array(stride(from: from, to: to, by: step))
    }
}
