import Testing

@testable import CoxswainTemplating

@Suite("Expression parser")
struct ExpressionParserTests {
    @Test("filters bind tighter than arithmetic, comparisons and not")
    func filterPrecedence() throws {
        #expect(
            try ExpressionParser.parse("not a | length > 1")
                == .not(
                    .compare(
                        .filter(.name("a"), name: "length", []), [.init(op: .greater, operand: .literal(.int(1)))])))
        #expect(try ExpressionParser.parse("-x | abs") == .filter(.negate(.name("x")), name: "abs", []))
    }

    @Test("is tests take a bare argument or parentheses, and not")
    func tests() throws {
        #expect(try ExpressionParser.parse("x is not defined") == .test(.name("x"), name: "defined", [], negated: true))
        #expect(
            try ExpressionParser.parse("x is divisibleby 3 and y")
                == .and(
                    .test(.name("x"), name: "divisibleby", [.init(value: .literal(.int(3)))], negated: false), .name("y")))
    }

    @Test("method calls, subscripts and keyword arguments")
    func postfix() throws {
        #expect(
            try ExpressionParser.parse("k.split('.')[0]")
                == .item(
                    .call(.attribute(.name("k"), "split"), [.init(value: .literal(.string(".")))]), .literal(.int(0))))
        #expect(
            try ExpressionParser.parse("v | map(attribute='ip')")
                == .filter(
                    .name("v"), name: "map", [.init(label: "attribute", value: .literal(.string("ip")))]))
        #expect(try ExpressionParser.parse("a.0.b") == .attribute(.item(.name("a"), .literal(.int(0))), "b"))
    }

    @Test("and binds tighter than or; comparisons chain; ~ is looser than *")
    func operatorPrecedence() throws {
        #expect(try ExpressionParser.parse("a or b and c") == .or(.name("a"), .and(.name("b"), .name("c"))))
        #expect(try ExpressionParser.parse("a ~ b * 2") == .binary(.concatenate, .name("a"), .binary(.multiply, .name("b"), .literal(.int(2)))))
        #expect(try ExpressionParser.parse("x not in y") == .compare(.name("x"), [.init(op: .notIn, operand: .name("y"))]))
    }

    @Test("literals: numbers, adjacent strings, booleans, none, lists, dicts, tuples")
    func literals() throws {
        #expect(try ExpressionParser.parse("1_000") == .literal(.int(1000)))
        #expect(try ExpressionParser.parse("1.5e3") == .literal(.double(1500)))
        #expect(try ExpressionParser.parse("'a' \"b\"") == .literal(.string("ab")))
        #expect(
            try ExpressionParser.parse("[True, none, {'k': 1}]")
                == .list([
                    .literal(.bool(true)), .literal(.null), .dict([.init(key: .literal(.string("k")), value: .literal(.int(1)))]),
                ]))
        #expect(try ExpressionParser.parse("(1, 2)") == .list([.literal(.int(1)), .literal(.int(2))]))
    }

    @Test("malformed expressions are refused", arguments: ["a +", "a b", "(a", "a[", "a.", "'x", "a | ", "x is", "f(a=1, 2)", "@"])
    func malformed(_ source: String) {
        #expect(throws: ExpressionLexer.Failure.self) { try ExpressionParser.parse(source) }
    }

    @Test("undefined names are reported as written")
    func sourceText() throws {
        #expect(try ExpressionParser.parse("groups['web'][0].host").sourceText == "groups['web'][0].host")
        #expect(try ExpressionParser.parse("a[b.c]").sourceText == "a[b.c]")
    }
}
