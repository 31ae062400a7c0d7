import Foundation

/// Python arithmetic for template values: `+ - * / // % **` on numbers (integers overflow to
/// floats), `+` on strings and lists, `*` to repeat them, and `~` to join anything as text.
enum Arithmetic {
    static func apply(_ op: Expression.BinaryOperator, _ lhs: TemplateValue, _ rhs: TemplateValue) throws(EvalFailure)
        -> TemplateValue
    {
        switch (op, lhs, rhs) {
        case (.concatenate, _, _): return .string(lhs.pythonString + rhs.pythonString)
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (.multiply, .string(let text), .int(let count)), (.multiply, .int(let count), .string(let text)):
            try checkRepeatSize(text.utf8.count, count)
            return .string(String(repeating: text, count: max(0, count)))
        case (.multiply, .list(let items), .int(let count)), (.multiply, .int(let count), .list(let items)):
            try checkRepeatSize(items.count, count)
            return .list(Array(repeating: items, count: max(0, count)).flatMap { $0 })
        default: break
        }
        guard let a = integerOrNil(lhs) ?? lhs.number.map(Numeric.double), let b = integerOrNil(rhs) ?? rhs.number.map(Numeric.double)
        else {
            throw .evaluation("unsupported operand types for \(op.rawValue): '\(lhs.typeName)' and '\(rhs.typeName)'")
        }
        switch (a, b) {
        case (.int(let x), .int(let y)): return try integer(op, x, y)
        default: return try double(op, a.asDouble, b.asDouble)
        }
    }

    /// Refuses `'x' * 10**12` before it exhausts memory.
    private static func checkRepeatSize(_ size: Int, _ count: Int) throws(EvalFailure) {
        let (total, overflow) = size.multipliedReportingOverflow(by: max(0, count))
        if overflow || total > 10_000_000 { throw .evaluation("repeating \(size) items \(count) times is too large") }
    }

    private enum Numeric {
        case int(Int)
        case double(Double)

        var asDouble: Double {
            switch self {
            case .int(let value): Double(value)
            case .double(let value): value
            }
        }
    }

    private static func integerOrNil(_ value: TemplateValue) -> Numeric? {
        switch value {
        case .int(let value): .int(value)
        case .bool(let value): .int(value ? 1 : 0)
        default: nil
        }
    }

    private static func integer(_ op: Expression.BinaryOperator, _ x: Int, _ y: Int) throws(EvalFailure) -> TemplateValue {
        func checked(_ result: (partialValue: Int, overflow: Bool), _ fallback: Double) -> TemplateValue {
            result.overflow ? .double(fallback) : .int(result.partialValue)
        }
        switch op {
        case .add: return checked(x.addingReportingOverflow(y), Double(x) + Double(y))
        case .subtract: return checked(x.subtractingReportingOverflow(y), Double(x) - Double(y))
        case .multiply: return checked(x.multipliedReportingOverflow(by: y), Double(x) * Double(y))
        case .divide: return try double(op, Double(x), Double(y))
        case .floorDivide, .modulo:
            guard y != 0 else { throw .evaluation("integer division or modulo by zero") }
            // Int.min // -1 overflows (and would trap): Python gives a big integer; we give the float.
            let (q, overflow) = x.dividedReportingOverflow(by: y)
            if overflow { return op == .floorDivide ? .double(-Double(x)) : .int(0) }
            var quotient = q
            var remainder = x.remainderReportingOverflow(dividingBy: y).partialValue
            if remainder != 0 && (remainder < 0) != (y < 0) {  // Python floors toward negative infinity
                quotient -= 1
                remainder += y
            }
            return .int(op == .floorDivide ? quotient : remainder)
        case .power:
            guard y >= 0 else { return .double(pow(Double(x), Double(y))) }
            if abs(x) <= 1 { return .int(x == -1 && y % 2 == 1 ? -1 : (x == 0 && y > 0 ? 0 : (x == 0 ? 1 : abs(x)))) }
            var result = 1  // |x| >= 2 overflows within 64 steps
            for _ in 0..<y {
                let (next, overflow) = result.multipliedReportingOverflow(by: x)
                if overflow { return .double(pow(Double(x), Double(y))) }
                result = next
            }
            return .int(result)
        case .concatenate: return .string(String(x) + String(y))
        }
    }

    private static func double(_ op: Expression.BinaryOperator, _ x: Double, _ y: Double) throws(EvalFailure) -> TemplateValue {
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide:
            guard y != 0 else { throw .evaluation("division by zero") }
            return .double(x / y)
        case .floorDivide:
            guard y != 0 else { throw .evaluation("float floor division by zero") }
            return .double((x / y).rounded(.down))
        case .modulo:
            guard y != 0 else { throw .evaluation("float modulo by zero") }
            let remainder = fmod(x, y)
            return .double(remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder)
        case .power: return .double(pow(x, y))
        case .concatenate: return .string(TemplateValue.pythonFloat(x) + TemplateValue.pythonFloat(y))
        }
    }
}
