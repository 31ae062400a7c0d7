import CoxswainTemplating
import Testing

@Suite("Strict undefined")
struct StrictUndefinedTests {
    let data: [String: TemplateValue] = ["a": ["b": 1], "items": [1, 2], "flag": true, "nothing": nil]

    @Test("an undefined variable fails, naming it, the template and the line")
    func missingName() {
        #expect(
            renderError("line one\n{{ missing }}", data, name: "deploy.yaml")
                == .undefinedVariable(
                    name: "missing", template: "deploy.yaml", line: 2))
    }

    @Test("a missing attribute or key fails, naming the expression")
    func missingAttribute() {
        #expect(renderError("{{ a.missing }}", data) == .undefinedVariable(name: "a.missing", template: "test", line: 1))
        #expect(renderError("{{ a['missing'] }}", data) == .undefinedVariable(name: "a['missing']", template: "test", line: 1))
        #expect(renderError("{{ items[5] }}", data) == .undefinedVariable(name: "items[5]", template: "test", line: 1))
        #expect(renderError("{{ a.missing.deeper }}", data) == .undefinedVariable(name: "a.missing", template: "test", line: 1))
    }

    @Test("inside for and if bodies the error carries the line of the use")
    func insideBlocks() {
        let template = "{% for i in items %}\n{% if flag %}\n{{ i }} {{ other }}\n{% endif %}\n{% endfor %}"
        #expect(renderError(template, data) == .undefinedVariable(name: "other", template: "test", line: 3))
    }

    @Test("undefined in a for iterable, an if condition or a comparison fails")
    func undefinedOperands() {
        #expect(renderError("{% for x in hosts %}{% endfor %}", data) == .undefinedVariable(name: "hosts", template: "test", line: 1))
        #expect(renderError("\n{% if ready %}x{% endif %}", data) == .undefinedVariable(name: "ready", template: "test", line: 2))
        #expect(
            renderError("{% if flag %}{% elif ready %}{% endif %}", ["flag": false])
                == .undefinedVariable(
                    name: "ready", template: "test", line: 1))
        #expect(renderError("{{ a.b == c }}", data) == .undefinedVariable(name: "c", template: "test", line: 1))
        #expect(renderError("{{ 'x' in missing }}", data) == .undefinedVariable(name: "missing", template: "test", line: 1))
        #expect(renderError("{{ a[key] }}", data) == .undefinedVariable(name: "key", template: "test", line: 1))
    }

    @Test("undefined passed to a filter fails, except for default")
    func undefinedThroughFilters() {
        #expect(renderError("{{ missing | upper }}", data) == .undefinedVariable(name: "missing", template: "test", line: 1))
        #expect(renderError("{{ items | join(sep) }}", data) == .undefinedVariable(name: "sep", template: "test", line: 1))
    }

    @Test("default replaces undefined values, and with true also falsy ones")
    func defaultFilter() throws {
        #expect(try render("{{ missing | default('x') }} {{ a.missing | default(\"y\") }} {{ missing | d(7) }}", data) == "x y 7")
        #expect(try render("{{ nothing | default('x') }}|{{ '' | default('x') }}|{{ '' | default('x', true) }}", data) == "None||x")
        #expect(try render("{{ nothing | default('x', boolean=true) }} {{ a.b | default('x') }}", data) == "x 1")
        #expect(try render("{{ missing | default(a.b) | string }}", data) == "1")
    }

    @Test("or falls back on a falsy value but still fails on an undefined one")
    func orFallback() throws {
        #expect(try render("{{ nothing or 'fallback' }}", data) == "fallback")
        #expect(renderError("{{ missing or 'fallback' }}", data) == .undefinedVariable(name: "missing", template: "test", line: 1))
    }

    @Test("null is defined; only missing names are undefined")
    func nullIsDefined() throws {
        #expect(try render("{{ nothing is defined }} {{ nothing is none }}", data) == "True True")
    }

    @Test("the error description names the variable, template and line")
    func description() {
        let error = TemplateError.undefinedVariable(name: "db.host", template: "catalog.yaml", line: 7)
        #expect(error.description.contains("'db.host' is undefined"))
        #expect(error.description.contains("'catalog.yaml' line 7"))
        #expect(!error.isRetriable)
    }
}

@Suite("Syntax errors")
struct SyntaxErrorTests {
    @Test(
        "a syntax error names the template and line",
        arguments: [
            ("ok\n{{ a + }}", 2), ("{% if x %}\nno end", 1), ("{% for x in %}{% endfor %}", 1), ("a\nb\n{{ unclosed", 3),
            ("{% endif %}", 1), ("{% if a %}{% else %}{% elif b %}{% endif %}", 1), ("\n\n{% macro m() %}{% endmacro %}", 3),
            ("{{ x | nosuchfilter }}", 1), ("{% if x is nosuchtest %}{% endif %}", 1), ("{{ 'unterminated }}", 1),
        ])
    func namesTemplateAndLine(_ template: String, _ line: Int) {
        guard case .syntax(let name, let reported, let message)? = renderError(template, name: "site.yml") else {
            Issue.record("expected a syntax error for \(template)")
            return
        }
        #expect(name == "site.yml")
        #expect(reported == line, "\(message)")
        #expect(!message.isEmpty)
    }

    @Test("an unknown filter is reported by name even where it would never run")
    func unknownFilterAtCompile() {
        guard case .syntax(_, _, let message)? = renderError("{% if false %}{{ x | frobnicate }}{% endif %}") else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(message.contains("frobnicate"))
    }
}
