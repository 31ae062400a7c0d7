import CoxswainTemplating
import Foundation
import Testing

/// Renders `template` named "test" with Jinja's default options.
func render(_ template: String, _ context: [String: TemplateValue] = [:], options: TemplateRenderer.Options = .init())
    throws(TemplateError) -> String
{
    try TemplateRenderer(options: options).render(template, name: "test", context: context)
}

/// The error rendering `template` throws, or `nil`.
func renderError(_ template: String, _ context: [String: TemplateValue] = [:], name: String = "test") -> TemplateError? {
    do {
        _ = try TemplateRenderer().render(template, name: name, context: context)
        return nil
    } catch {
        return error
    }
}

@Suite("Variables and lookups")
struct VariableTests {
    let data: [String: TemplateValue] = [
        "name": "web-1",
        "port": 8080,
        "ratio": 0.25,
        "enabled": true,
        "nothing": nil,
        "host": ["ip": "10.0.0.1", "tags": ["a", "b"], "count": 3],
        "hosts": ["h0", "h1", "h2"],
        "key": "ip",
        "index": 1,
    ]

    @Test("prints variables as Python's str() does")
    func printsVariables() throws {
        #expect(try render("{{ name }}:{{ port }} {{ ratio }} {{ enabled }} {{ nothing }}", data) == "web-1:8080 0.25 True None")
    }

    @Test("prints lists and dicts as Python reprs, keys sorted")
    func printsContainers() throws {
        #expect(try render("{{ hosts }}", data) == "['h0', 'h1', 'h2']")
        #expect(try render("{{ host }}", data) == "{'count': 3, 'ip': '10.0.0.1', 'tags': ['a', 'b']}")
    }

    @Test("looks up attributes, including keys that Stencil treats specially")
    func attributes() throws {
        #expect(try render("{{ host.ip }} {{ host.count }}", data) == "10.0.0.1 3")
    }

    @Test("looks up string keys with either quote style")
    func stringSubscripts() throws {
        #expect(try render(#"{{ host['ip'] }} {{ host["ip"] }}"#, data) == "10.0.0.1 10.0.0.1")
    }

    @Test("indexes lists, from the end with negative indexes, and with .N")
    func listIndexes() throws {
        #expect(try render("{{ hosts[0] }} {{ hosts[-1] }} {{ hosts.1 }} {{ host.tags[1] }}", data) == "h0 h2 h1 b")
    }

    @Test("subscripts with a variable key or index")
    func variableSubscripts() throws {
        #expect(try render("{{ host[key] }} {{ hosts[index] }} {{ hosts[index + 1] }}", data) == "10.0.0.1 h1 h2")
    }

    @Test("slices lists and strings")
    func slices() throws {
        #expect(try render("{{ hosts[1:] }} {{ hosts[:-1] }} {{ name[::-1] }}", data) == "['h1', 'h2'] ['h0', 'h1'] 1-bew")
    }

    @Test("string literals in both quote styles, with escapes")
    func stringLiterals() throws {
        #expect(try render(#"{{ 'it''s' }} {{ "say \"hi\"" }} {{ 'a\tb' }} {{ "}}" }}"#) == "its say \"hi\" a\tb }}")
    }

    @Test("list and dict literals, arithmetic and concatenation")
    func literalsAndArithmetic() throws {
        #expect(
            try render("{{ [1, 'a'] }} {{ {'k': 1} }} {{ port + 1 }} {{ 7 // 2 }} {{ 7 / 2 }} {{ -7 % 3 }} {{ 2 ** 10 }}", data)
                == "[1, 'a'] {'k': 1} 8081 3 3.5 2 1024")
        #expect(try render("{{ name ~ ':' ~ port }} {{ 'a' + 'b' }} {{ '-' * 3 }}", data) == "web-1:8080 ab ---")
    }

    @Test("inline if expressions")
    func inlineIf() throws {
        #expect(try render("{{ 'on' if enabled else 'off' }} [{{ 'x' if not enabled }}]", data) == "on []")
    }

    @Test("nested data decoded from JSON")
    func nestedJSON() throws {
        let json = #"{"cluster": {"nodes": [{"name": "a", "roles": ["db", "web"], "weight": 1.5}, {"name": "b", "roles": [], "up": false}]}}"#
        let context = try JSONDecoder().decode([String: TemplateValue].self, from: Data(json.utf8))
        let template =
            "{% for n in cluster.nodes %}{{ n.name }}={{ n.roles | join('+') }}{{ ';' if not loop.last }}{% endfor %} {{ cluster.nodes[0].weight }} {{ cluster.nodes[1].up }}"
        #expect(try render(template, context) == "a=db+web;b= 1.5 False")
    }
}

@Suite("Loops")
struct LoopTests {
    @Test("iterates a list with loop.index, loop.first and loop.last")
    func loopVariables() throws {
        let template = "{% for x in items %}{{ loop.index }}{{ loop.index0 }}{{ x }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% endfor %}"
        #expect(try render(template, ["items": ["a", "b", "c"]]) == "10aF 21b 32cL ")
    }

    @Test("loop.length, revindex, previtem and nextitem")
    func moreLoopVariables() throws {
        let template =
            "{% for x in items %}{{ loop.length }}{{ loop.revindex }}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }} {% endfor %}"
        #expect(try render(template, ["items": ["a", "b"]]) == "22-b 21a- ")
    }

    @Test("unpacks dict.items() into key and value, in key order")
    func dictItems() throws {
        let template = "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}"
        #expect(try render(template, ["d": ["b": 2, "a": 1]]) == "a=1;b=2;")
    }

    @Test("iterating a dict gives its keys; values() and keys() work as methods")
    func dictIteration() throws {
        #expect(
            try render("{% for k in d %}{{ k }}{% endfor %} {{ d.keys() | list }} {{ d.values() | list }}", ["d": ["b": 2, "a": 1]])
                == "ab ['a', 'b'] [1, 2]")
    }

    @Test("else renders for an empty sequence; an if filter skips items")
    func elseAndFilter() throws {
        #expect(try render("{% for x in [] %}{{ x }}{% else %}empty{% endfor %}") == "empty")
        #expect(try render("{% for x in range(6) if x is even %}{{ x }}{{ loop.index }} {% endfor %}") == "01 22 43 ")
    }

    @Test("nested loops and a set that does not leak out of a loop")
    func nestingAndScope() throws {
        let template =
            "{% set total = 'none' %}{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{% set total = 'inner' %}{% endfor %}{% endfor %} {{ total }}"
        #expect(try render(template) == "1x1y2x2y none")
    }

    @Test("unpacking the wrong number of values fails with the line")
    func unpackMismatch() {
        #expect(
            renderError("{% for a, b in [[1, 2, 3]] %}{% endfor %}")
                == .evaluation(
                    template: "test", line: 1, message: "cannot unpack 3 values into 2 loop variables (a, b)"))
    }
}

@Suite("Conditions")
struct ConditionTests {
    let data: [String: TemplateValue] = ["a": 1, "b": 2, "s": "web", "roles": ["db", "web"], "d": ["k": "v"], "empty": []]

    @Test("if, elif and else")
    func branches() throws {
        let template = "{% if a > b %}gt{% elif a == b %}eq{% else %}lt{% endif %}"
        #expect(try render(template, data) == "lt")
        #expect(try render(template, ["a": 2, "b": 2]) == "eq")
        #expect(try render(template, ["a": 3, "b": 2]) == "gt")
    }

    @Test(
        "and, or, not with Python precedence and truthiness",
        arguments: [
            ("a and b", true), ("a and empty", false), ("not a or b", true), ("not (a or b)", false),
            ("empty or s", true), ("not empty", true), ("a == 1 and not b == 1", true),
        ])
    func booleanOperators(_ condition: String, _ expected: Bool) throws {
        #expect(try render("{% if \(condition) %}yes{% else %}no{% endif %}", data) == (expected ? "yes" : "no"))
    }

    @Test(
        "comparisons",
        arguments: [
            ("a == 1", true), ("a != 1", false), ("a < b", true), ("b > a", true), ("a <= 1", true), ("b >= 3", false),
            ("a == 1.0", true), ("s == 'web'", true), ("s != \"db\"", true), ("1 < a < 3", false), ("0 < a < 3", true),
            ("roles == ['db', 'web']", true), ("9007199254740993 == 9007199254740992", false),
        ])
    func comparisons(_ condition: String, _ expected: Bool) throws {
        #expect(try render("{% if \(condition) %}yes{% else %}no{% endif %}", data) == (expected ? "yes" : "no"))
    }

    @Test(
        "in and not in for lists, strings and dict keys",
        arguments: [
            ("'web' in roles", true), ("'x' in roles", false), ("'we' in s", true), ("'k' in d", true), ("'v' in d", false),
            ("'x' not in roles", true),
        ])
    func membership(_ condition: String, _ expected: Bool) throws {
        #expect(try render("{% if \(condition) %}yes{% else %}no{% endif %}", data) == (expected ? "yes" : "no"))
    }

    @Test("is defined and is not defined, also on missing keys")
    func isDefined() throws {
        #expect(
            try render("{{ a is defined }} {{ missing is defined }} {{ missing is not defined }} {{ d.k is defined }} {{ d.x is defined }}", data)
                == "True False True True False")
        #expect(try render("{% if missing is defined and missing %}set{% else %}unset{% endif %}", data) == "unset")
        #expect(try render("{% if not missing is defined %}unset{% endif %}", data) == "unset")
    }

    @Test("other tests: none, string, number, mapping, even, divisibleby, in")
    func otherTests() throws {
        #expect(
            try render(
                "{{ n is none }} {{ s is string }} {{ a is number }} {{ d is mapping }} {{ b is even }} {{ 9 is divisibleby 3 }} {{ 'db' is in(roles) }}",
                data.merging(["n": nil]) { $1 })
                == "True True True True True True True")
    }

    @Test("a set inside an if is visible after it, as in Jinja")
    func setInIf() throws {
        #expect(try render("{% if a %}{% set x = 'yes' %}{% endif %}{{ x }}", data) == "yes")
    }
}

@Suite("Whitespace control")
struct WhitespaceTests {
    @Test("minus trims whitespace around blocks and expressions")
    func minus() throws {
        #expect(try render("a  {%- if true -%}  b  {%- endif -%}  c") == "abc")
        #expect(try render("[ {{- x -}} ]", ["x": 1]) == "[1]")
        #expect(try render("{% for i in [1, 2] -%}\n  {{ i }}\n{%- endfor %}") == "12")
    }

    @Test("comments disappear, with their whitespace control")
    func comments() throws {
        #expect(try render("a {# note #}b {#- trimmed -#} c") == "a bc")
    }

    @Test("one trailing newline is dropped unless asked to keep it")
    func trailingNewline() throws {
        #expect(try render("x\n\n") == "x\n")
        #expect(try render("x\n", options: .init(keepTrailingNewline: true)) == "x\n")
    }

    @Test("trim_blocks and lstrip_blocks remove the lines a block tag sits on")
    func trimAndLstripBlocks() throws {
        let template = "items:\n  {% for i in [1, 2] %}\n  - {{ i }}\n  {% endfor %}\ndone"
        #expect(try render(template, options: .init(trimBlocks: true, lstripBlocks: true)) == "items:\n  - 1\n  - 2\ndone")
        #expect(try render(template) == "items:\n  \n  - 1\n  \n  - 2\n  \ndone")
    }

    @Test("raw blocks are not rendered")
    func raw() throws {
        #expect(try render("{% raw %}{{ not_rendered }} {% if %}{% endraw %}!") == "{{ not_rendered }} {% if %}!")
    }
}

@Suite("Assignments, methods and safety")
struct AssignmentAndMethodTests {
    @Test("set assigns expressions, tuples and captured blocks")
    func set() throws {
        #expect(try render("{% set a = 1 + 1 %}{% set b, c = 'x', [a] %}{{ a }}{{ b }}{{ c }}") == "2x[2]")
        #expect(try render("{% set block %}v={{ 1 }}{% endset %}[{{ block | upper }}]") == "[V=1]")
    }

    @Test("string methods behave like Python's")
    func stringMethods() throws {
        #expect(
            try render("{{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ 'x.y'.startswith('x') }}")
                == "['a', 'b'] ['a', 'b,c'] ['a,b', 'c'] True")
        #expect(
            try render("{{ '-'.join(['a', 'b']) }} {{ 'Ab'.lower() }}{{ 'Ab'.upper() }} {{ 'xax'.strip('x') }} {{ 'a\nb'.splitlines() }}")
                == "a-b abAB a ['a', 'b']")
    }

    @Test("loop.cycle alternates its arguments")
    func cycle() throws {
        #expect(try render("{% for i in range(3) %}{{ loop.cycle('odd', 'even') }} {% endfor %}") == "odd even odd ")
    }

    @Test("huge repetitions and ranges fail instead of exhausting memory")
    func limits() {
        #expect(renderError("{{ 'x' * 10 ** 12 }}") != nil)
        #expect(renderError("{{ range(10 ** 9) | length }}") != nil)
        #expect(renderError("{{ 1 / 0 }}") == .evaluation(template: "test", line: 1, message: "division by zero"))
    }

    @Test("a compiled template renders concurrently with different contexts")
    func concurrentRenders() async throws {
        let compiled = try TemplateRenderer().compile("{% for h in hosts %}{{ h }}{% endfor %}-{{ id }}", name: "concurrent")
        let outputs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for id in 0..<32 {
                group.addTask { (id, try compiled.render(context: ["hosts": ["a", "b"], "id": .int(id)])) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(outputs.count == 32)
        #expect(outputs.allSatisfy { $0.value == "ab-\($0.key)" })
    }
}
