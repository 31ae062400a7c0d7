import Stencil

/// The Stencil extension that parses Jinja tags into Coxswain's nodes.
///
/// The compiler hands Stencil one token per scanned segment: text as Stencil text tokens, every
/// `{{ }}` as a block token `__output N` and every `{% name ... %}` as a block token `name N`,
/// where `N` indexes the scanned segments. Stencil's `TokenParser` then does the block
/// structure (nesting, `parse(until:)`) and dispatches each tag here; the tag parsers look up
/// the expression source and line of segment `N`. Stencil never sees an expression, so none of
/// its own variable or `if` semantics apply.
final class JinjaTagLibrary: Extension {
    /// Tags templates may use; anything else is refused by the compiler with its line.
    static let tagNames: Set<String> = ["if", "elif", "else", "endif", "for", "endfor", "set", "endset"]
    static let outputTag = "__output"

    private let session: Session

    init(session: Session) {
        self.session = session
        super.init()
        registerTag(Self.outputTag) { [session] _, token in
            let (segment, location) = try session.segment(token)
            let expression = try session.parse(segment, location)
            try session.validate(expression, location)
            return OutputNode(expression: expression, location: location, token: token)
        }
        registerTag("if") { [session] parser, token in try Self.parseIf(parser, token, session) }
        registerTag("for") { [session] parser, token in try Self.parseFor(parser, token, session) }
        registerTag("set") { [session] parser, token in try Self.parseSet(parser, token, session) }
        for name in ["elif", "else", "endif", "endfor", "endset"] {
            registerTag(name) { [session] _, token in
                let (_, location) = try session.segment(token)
                throw session.fail("'{% \(name) %}' without a matching opening tag", location)
            }
        }
    }

    /// State shared by the tag parsers of one compilation.
    final class Session {
        let template: String
        let segments: [TemplateScanner.Segment]
        /// The first error, with its line; Stencil's parser wraps whatever a tag parser throws.
        private(set) var failure: TemplateError?

        init(template: String, segments: [TemplateScanner.Segment]) {
            self.template = template
            self.segments = segments
        }

        /// The expression source of the segment a token stands for, and its location.
        func segment(_ token: Token) throws -> (String, NodeLocation) {
            let parts = token.contents.split(separator: " ")
            guard parts.count == 2, let index = Int(parts[1]), segments.indices.contains(index) else {
                throw fail("internal error: unexpected token '\(token.contents)'", NodeLocation(template: template, line: 0))
            }
            switch segments[index] {
            case .output(let expression, let line): return (expression, NodeLocation(template: template, line: line))
            case .tag(_, let body, let line): return (body, NodeLocation(template: template, line: line))
            case .text: throw fail("internal error: text segment used as a tag", NodeLocation(template: template, line: 0))
            }
        }

        func parse(_ source: String, _ location: NodeLocation) throws -> Expression {
            do {
                return try ExpressionParser.parse(source)
            } catch {
                throw fail("\(error.message) in '\(source)'", location)
            }
        }

        /// Records a syntax error (the first one wins) and returns an error for Stencil to unwind with.
        func fail(_ message: String, _ location: NodeLocation) -> Error {
            failure = failure ?? .syntax(template: template, line: location.line == 0 ? nil : location.line, message: message)
            return TemplateSyntaxError(message)
        }

        /// Checks filter and test names before anything renders, so a typo fails every render.
        func validate(_ expression: Expression, _ location: NodeLocation) throws {
            var unknown: String?
            expression.visit { node in
                switch node {
                case .filter(_, let name, _) where !FilterLibrary.names.contains(name): unknown = unknown ?? "unknown filter '\(name)'"
                case .test(_, let name, _, _) where !TestLibrary.names.contains(name): unknown = unknown ?? "unknown test '\(name)'"
                default: break
                }
            }
            if let unknown { throw fail(unknown, location) }
        }
    }

    private static func parseIf(_ parser: TokenParser, _ token: Token, _ session: Session) throws -> NodeType {
        var (source, location) = try session.segment(token)
        let opening = location
        var branches: [ConditionNode.Branch] = []
        var condition: Expression? = try session.parse(source, location)
        while true {
            if let condition { try session.validate(condition, location) }
            let nodes = try parser.parse(until(["elif", "else", "endif"]))
            branches.append(.init(condition: condition, location: location, nodes: nodes))
            guard let next = parser.nextToken() else {
                throw session.fail("'{% if %}' is never closed with '{% endif %}'", opening)
            }
            (source, location) = try session.segment(next)
            switch next.components.first {
            case "elif" where condition != nil:
                condition = try session.parse(source, location)
            case "else" where condition != nil:
                try expectEmpty(source, "else", location, session)
                condition = nil
            case "endif":
                try expectEmpty(source, "endif", location, session)
                return ConditionNode(branches: branches, token: token)
            default:
                throw session.fail("'{% \(next.components.first ?? "") %}' after '{% else %}' in an '{% if %}'", location)
            }
        }
    }

    private static func parseFor(_ parser: TokenParser, _ token: Token, _ session: Session) throws -> NodeType {
        let (source, location) = try session.segment(token)
        let targets: [String]
        let iterable: Expression
        var filter: Expression?
        do {
            var expression = try ExpressionParser(source)
            targets = try expression.parseTargets()
            try expression.expectKeyword("in")
            iterable = try expression.parseExpression(conditional: false)
            if expression.skipKeyword("if") { filter = try expression.parseExpression() }
            if expression.skipKeyword("recursive") {
                throw session.fail("recursive loops are not supported", location)
            }
            try expression.expectEnd()
        } catch let error as ExpressionLexer.Failure {
            throw session.fail("\(error.message) in 'for \(source)'", location)
        }
        try session.validate(iterable, location)
        if let filter { try session.validate(filter, location) }

        let body = try parser.parse(until(["else", "endfor"]))
        var emptyBody: [NodeType] = []
        guard var next = parser.nextToken() else { throw session.fail("'{% for %}' is never closed with '{% endfor %}'", location) }
        if next.components.first == "else" {
            emptyBody = try parser.parse(until(["endfor"]))
            guard let end = parser.nextToken() else { throw session.fail("'{% for %}' is never closed with '{% endfor %}'", location) }
            next = end
        }
        try expectEmpty(try session.segment(next).0, "endfor", try session.segment(next).1, session)
        return LoopNode(
            targets: targets, iterable: iterable, filter: filter, body: body, emptyBody: emptyBody, location: location, token: token)
    }

    private static func parseSet(_ parser: TokenParser, _ token: Token, _ session: Session) throws -> NodeType {
        let (source, location) = try session.segment(token)
        do {
            var expression = try ExpressionParser(source)
            let targets = try expression.parseTargets()
            if expression.skipSymbol("=") {
                let value = try expression.parseTuple()
                try expression.expectEnd()
                try session.validate(value, location)
                return AssignmentNode(targets: targets, source: .expression(value), location: location, token: token)
            }
            try expression.expectEnd()
            guard targets.count == 1 else { throw session.fail("a '{% set %}' block assigns one variable", location) }
            let body = try parser.parse(until(["endset"]))
            guard parser.nextToken() != nil else { throw session.fail("'{% set %}' is never closed with '{% endset %}'", location) }
            return AssignmentNode(targets: targets, source: .block(body), location: location, token: token)
        } catch let error as ExpressionLexer.Failure {
            throw session.fail("\(error.message) in 'set \(source)'", location)
        }
    }

    private static func expectEmpty(_ source: String, _ tag: String, _ location: NodeLocation, _ session: Session) throws {
        if !source.isEmpty { throw session.fail("'{% \(tag) %}' takes nothing, found '\(source)'", location) }
    }
}
