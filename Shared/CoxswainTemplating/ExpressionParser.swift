/// Parses Jinja expressions with Jinja's precedence, loosest first: `x if c else y`, `or`,
/// `and`, `not`, comparisons (`==` `!=` `<` `<=` `>` `>=` `in` `not in`), `+` `-`, `~`,
/// `*` `/` `//` `%`, `**`, unary `-`, then filters (`| f(...)`) and tests (`is [not] t`),
/// then postfix `.name`, `[key]`, `[a:b]`, `(arguments)`.
struct ExpressionParser {
    typealias Failure = ExpressionLexer.Failure
    typealias Token = ExpressionLexer.Token

    private let tokens: [Token]
    private var position = 0

    init(_ source: String) throws(Failure) {
        tokens = try ExpressionLexer.tokens(source)
    }

    /// Parses a whole `{{ }}` or `{% if %}` expression: nothing may follow it.
    static func parse(_ source: String) throws(Failure) -> Expression {
        var parser = try ExpressionParser(source)
        let expression = try parser.parseTuple()
        try parser.expectEnd()
        return expression
    }

    var isAtEnd: Bool { position >= tokens.count }

    mutating func expectEnd() throws(Failure) {
        if let token = current { throw Failure(message: "unexpected \(Self.describe(token))") }
    }

    /// Consumes the keyword `name` if it comes next.
    mutating func skipKeyword(_ name: String) -> Bool {
        guard current == .name(name) else { return false }
        position += 1
        return true
    }

    mutating func expectKeyword(_ name: String) throws(Failure) {
        guard skipKeyword(name) else { throw Failure(message: "expected '\(name)' but found \(Self.describe(current))") }
    }

    mutating func skipSymbol(_ symbol: String) -> Bool {
        guard current == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    /// Assignment targets of `for` and `set`: `x`, `k, v` or `(k, v)`.
    mutating func parseTargets() throws(Failure) -> [String] {
        let parenthesised = skipSymbol("(")
        var names: [String] = []
        repeat {
            guard case .name(let name)? = current, !Self.reserved.contains(name) else {
                throw Failure(message: "expected a variable name but found \(Self.describe(current))")
            }
            position += 1
            names.append(name)
        } while skipSymbol(",") && current != .name("in") && current != .symbol("=")
        if parenthesised, !skipSymbol(")") { throw Failure(message: "expected ')' after the loop variables") }
        return names
    }

    /// An expression, or several separated by commas (a tuple, evaluated as a list).
    mutating func parseTuple(conditional: Bool = true) throws(Failure) -> Expression {
        let first = try parseExpression(conditional: conditional)
        guard current == .symbol(",") else { return first }
        var items = [first]
        while skipSymbol(",") {
            if isAtEnd || current == .name("if") { break }
            items.append(try parseExpression(conditional: conditional))
        }
        return .list(items)
    }

    /// One expression; `conditional: false` stops before `if` (the filter of a `for` loop).
    mutating func parseExpression(conditional: Bool = true) throws(Failure) -> Expression {
        var expression = try parseOr()
        while conditional, skipKeyword("if") {
            let condition = try parseOr()
            let otherwise = skipKeyword("else") ? try parseExpression() : nil
            expression = .conditional(expression, condition: condition, otherwise: otherwise)
        }
        return expression
    }

    private mutating func parseOr() throws(Failure) -> Expression {
        var expression = try parseAnd()
        while skipKeyword("or") { expression = .or(expression, try parseAnd()) }
        return expression
    }

    private mutating func parseAnd() throws(Failure) -> Expression {
        var expression = try parseNot()
        while skipKeyword("and") { expression = .and(expression, try parseNot()) }
        return expression
    }

    private mutating func parseNot() throws(Failure) -> Expression {
        if skipKeyword("not") { return .not(try parseNot()) }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(Failure) -> Expression {
        let first = try parseAdditive()
        var comparisons: [Expression.Comparison] = []
        while true {
            let op: Expression.ComparisonOperator
            if case .symbol(let symbol)? = current, let comparison = Expression.ComparisonOperator(rawValue: symbol) {
                position += 1
                op = comparison
            } else if skipKeyword("in") {
                op = .in
            } else if current == .name("not"), position + 1 < tokens.count, tokens[position + 1] == .name("in") {
                position += 2
                op = .notIn
            } else {
                break
            }
            comparisons.append(.init(op: op, operand: try parseAdditive()))
        }
        return comparisons.isEmpty ? first : .compare(first, comparisons)
    }

    private mutating func parseAdditive() throws(Failure) -> Expression {
        var expression = try parseConcatenation()
        while true {
            if skipSymbol("+") {
                expression = .binary(.add, expression, try parseConcatenation())
            } else if skipSymbol("-") {
                expression = .binary(.subtract, expression, try parseConcatenation())
            } else {
                return expression
            }
        }
    }

    private mutating func parseConcatenation() throws(Failure) -> Expression {
        var expression = try parseMultiplicative()
        while skipSymbol("~") { expression = .binary(.concatenate, expression, try parseMultiplicative()) }
        return expression
    }

    private mutating func parseMultiplicative() throws(Failure) -> Expression {
        var expression = try parsePower()
        while case .symbol(let symbol)? = current, ["*", "/", "//", "%"].contains(symbol) {
            position += 1
            expression = .binary(Expression.BinaryOperator(rawValue: symbol)!, expression, try parsePower())
        }
        return expression
    }

    private mutating func parsePower() throws(Failure) -> Expression {
        var expression = try parseUnary()
        while skipSymbol("**") { expression = .binary(.power, expression, try parseUnary()) }
        return expression
    }

    private mutating func parseUnary(withFilters: Bool = true) throws(Failure) -> Expression {
        var expression: Expression
        if skipSymbol("-") {
            expression = .negate(try parseUnary(withFilters: false))
        } else if skipSymbol("+") {
            expression = try parseUnary(withFilters: false)
        } else {
            expression = try parsePostfix(try parsePrimary())
        }
        guard withFilters else { return expression }
        while true {
            if skipSymbol("|") {
                let name = try parseFilterName()
                expression = .filter(expression, name: name, current == .symbol("(") ? try parseArguments() : [])
            } else if skipKeyword("is") {
                let negated = skipKeyword("not")
                let name = try parseFilterName()
                var arguments: [Expression.Argument] = []
                if current == .symbol("(") {
                    arguments = try parseArguments()
                } else if let token = current, Self.startsTestArgument(token) {
                    arguments = [.init(value: try parsePostfix(try parsePrimary()))]
                }
                expression = .test(expression, name: name, arguments, negated: negated)
            } else {
                return expression
            }
        }
    }

    private mutating func parseFilterName() throws(Failure) -> String {
        guard case .name(var name)? = current else {
            throw Failure(message: "expected a filter or test name but found \(Self.describe(current))")
        }
        position += 1
        while current == .symbol("."), case .name(let part)? = peek(1) {  // dotted names, e.g. `ansible.builtin.to_json`
            position += 2
            name += "." + part
        }
        return name
    }

    private static func startsTestArgument(_ token: Token) -> Bool {
        switch token {
        case .name(let name): !["else", "or", "and", "if", "in", "not", "is"].contains(name)
        case .string, .int, .double: true
        case .symbol(let symbol): symbol == "[" || symbol == "{" || symbol == "("
        }
    }

    private mutating func parsePostfix(_ base: Expression) throws(Failure) -> Expression {
        var expression = base
        while true {
            if skipSymbol(".") {
                switch current {
                case .name(let name)?:
                    position += 1
                    expression = .attribute(expression, name)
                case .int(let index)?:
                    position += 1
                    expression = .item(expression, .literal(.int(index)))
                default:
                    throw Failure(message: "expected an attribute name after '.' but found \(Self.describe(current))")
                }
            } else if skipSymbol("[") {
                expression = try parseSubscript(expression)
            } else if current == .symbol("(") {
                expression = .call(expression, try parseArguments())
            } else {
                return expression
            }
        }
    }

    private mutating func parseSubscript(_ base: Expression) throws(Failure) -> Expression {
        var parts: [Expression?] = [nil]
        var isSlice = false
        while !skipSymbol("]") {
            if skipSymbol(":") {
                isSlice = true
                parts.append(nil)
            } else if isAtEnd {
                throw Failure(message: "expected ']'")
            } else if parts[parts.count - 1] == nil {
                parts[parts.count - 1] = try parseExpression()
            } else {
                throw Failure(message: "expected ']' but found \(Self.describe(current))")
            }
        }
        guard isSlice else {
            guard let key = parts[0] else { throw Failure(message: "empty subscript '[]'") }
            return .item(base, key)
        }
        guard parts.count <= 3 else { throw Failure(message: "a slice takes at most three parts") }
        return .slice(base, start: parts[0], stop: parts[1], step: parts.count > 2 ? parts[2] : nil)
    }

    private mutating func parseArguments() throws(Failure) -> [Expression.Argument] {
        position += 1  // "("
        var arguments: [Expression.Argument] = []
        while !skipSymbol(")") {
            if !arguments.isEmpty, !skipSymbol(",") { throw Failure(message: "expected ',' or ')' but found \(Self.describe(current))") }
            if skipSymbol(")") { break }
            if case .name(let label)? = current, peek(1) == .symbol("=") {
                position += 2
                arguments.append(.init(label: label, value: try parseExpression()))
            } else {
                if arguments.contains(where: { $0.label != nil }) {
                    throw Failure(message: "a positional argument follows a keyword argument")
                }
                arguments.append(.init(value: try parseExpression()))
            }
        }
        return arguments
    }

    private mutating func parsePrimary() throws(Failure) -> Expression {
        guard let token = current else { throw Failure(message: "expected an expression but the tag ends") }
        position += 1
        switch token {
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.null)
            default:
                if Self.reserved.contains(name) { throw Failure(message: "unexpected '\(name)'") }
                return .name(name)
            }
        case .string(var text):
            while case .string(let next)? = current {  // "a" "b" is "ab", as in Python
                text += next
                position += 1
            }
            return .literal(.string(text))
        case .int(let value): return .literal(.int(value))
        case .double(let value): return .literal(.double(value))
        case .symbol("("):
            if skipSymbol(")") { return .list([]) }
            let expression = try parseTuple()
            guard skipSymbol(")") else { throw Failure(message: "expected ')' but found \(Self.describe(current))") }
            return expression
        case .symbol("["):
            var items: [Expression] = []
            while !skipSymbol("]") {
                if !items.isEmpty, !skipSymbol(",") { throw Failure(message: "expected ',' or ']' but found \(Self.describe(current))") }
                if skipSymbol("]") { break }
                items.append(try parseExpression())
            }
            return .list(items)
        case .symbol("{"):
            var entries: [Expression.DictEntry] = []
            while !skipSymbol("}") {
                if !entries.isEmpty, !skipSymbol(",") { throw Failure(message: "expected ',' or '}' but found \(Self.describe(current))") }
                if skipSymbol("}") { break }
                let key = try parseExpression()
                guard skipSymbol(":") else { throw Failure(message: "expected ':' in a dict literal") }
                entries.append(.init(key: key, value: try parseExpression()))
            }
            return .dict(entries)
        default:
            throw Failure(message: "unexpected \(Self.describe(token))")
        }
    }

    private static let reserved: Set<String> = ["and", "or", "not", "in", "is", "if", "else"]

    private var current: Token? { position < tokens.count ? tokens[position] : nil }

    private func peek(_ offset: Int) -> Token? {
        position + offset < tokens.count ? tokens[position + offset] : nil
    }

    private static func describe(_ token: Token?) -> String {
        switch token {
        case nil: "the end of the expression"
        case .name(let name)?: "'\(name)'"
        case .string(let text)?: TemplateValue.pythonQuoted(text)
        case .int(let value)?: "'\(value)'"
        case .double(let value)?: "'\(value)'"
        case .symbol(let symbol)?: "'\(symbol)'"
        }
    }
}
