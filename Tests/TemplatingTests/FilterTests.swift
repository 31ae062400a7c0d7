import CoxswainTemplating
import Testing

@Suite("Filters")
struct FilterTests {
    let data: [String: TemplateValue] = [
        "hosts": [["host": "a", "ip": "10.0.0.1", "port": 22], ["host": "b", "port": 2222], ["host": "c", "ip": "10.0.0.3"]],
        "names": ["Web", "db", "cache"],
        "text": "  Hello World  ",
        "number": "42",
        "nested": ["x": ["y": 1]],
    ]

    @Test("join with and without a separator, and on an attribute")
    func join() throws {
        #expect(
            try render("{{ names | join(',') }} {{ names | join }} {{ hosts | join(', ', attribute='host') }}", data)
                == "Web,db,cache Webdbcache a, b, c")
    }

    @Test("length and count on lists, strings and dicts")
    func length() throws {
        #expect(try render("{{ names | length }} {{ 'abc' | length }} {{ nested | count }}", data) == "3 3 1")
    }

    @Test("lower, upper, capitalize, title and trim")
    func caseAndTrim() throws {
        #expect(
            try render("{{ names | first | lower }} {{ 'x' | upper }} {{ 'aBC' | capitalize }} [{{ text | trim }}] {{ 'xxaxx' | trim('x') }}", data)
                == "web X Abc [Hello World] a")
    }

    @Test("first, last and list")
    func firstLastList() throws {
        #expect(try render("{{ names | first }} {{ names | last }} {{ 'ab' | list }} {{ nested | list }}", data) == "Web cache ['a', 'b'] ['x']")
    }

    @Test("map(attribute=...) and select('defined') keep only the items that have it")
    func mapAndSelect() throws {
        #expect(try render("{{ hosts | map(attribute='ip') | select('defined') | list }}", data) == "['10.0.0.1', '10.0.0.3']")
        #expect(try render("{{ hosts | map(attribute='port', default=0) | list }}", data) == "[22, 2222, 0]")
        #expect(try render("{{ names | map('upper') | join('-') }}", data) == "WEB-DB-CACHE")
    }

    @Test("printing a mapped missing attribute fails, naming the item")
    func mapMissingAttribute() {
        #expect(
            renderError("{{ hosts | map(attribute='ip') | join(',') }}", data)
                == .undefinedVariable(
                    name: "hosts[1].ip", template: "test", line: 1))
    }

    @Test("select and reject with tests, selectattr and rejectattr")
    func selectReject() throws {
        #expect(
            try render("{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('odd') | list }} {{ [0, 1, ''] | select | list }}")
                == "[1, 3] [2, 4] [1]")
        #expect(try render("{{ hosts | selectattr('port', 'defined') | selectattr('port', 'gt', 100) | map(attribute='host') | list }}", data) == "['b']")
        #expect(try render("{{ hosts | rejectattr('ip', 'defined') | map(attribute='host') | list }}", data) == "['b']")
    }

    @Test("int and string convert like Jinja, with a fallback for text that is not a number")
    func intAndString() throws {
        #expect(
            try render("{{ number | int + 1 }} {{ '3.9' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ '0x1f' | int(base=16) }} {{ 4.7 | int }}", data)
                == "43 3 0 7 31 4")
        #expect(try render("{{ (1 | string) ~ 2 }} {{ true | string }} {{ '2.5' | float * 2 }}") == "12 True 5.0")
    }

    @Test("replace, also with a count")
    func replace() throws {
        #expect(try render(#"{{ 'a.b.c' | replace('.', '-') }} {{ 'a.b.c' | replace(".", "", 1) }}"#) == "a-b-c ab.c")
    }

    @Test("tojson is sorted, compact and HTML-safe; to_json and to_nice_json are Ansible's")
    func json() throws {
        let value: TemplateValue = ["b": [1, 2.5, true, nil], "a": "x<'y'>é"]
        #expect(try render("{{ v | tojson }}", ["v": value]) == #"{"a": "x\u003c\u0027y\u0027\u003e\u00e9", "b": [1, 2.5, true, null]}"#)
        #expect(try render("{{ v | to_json }}", ["v": value]) == #"{"a": "x<'y'>\u00e9", "b": [1, 2.5, true, null]}"#)
        #expect(try render("{{ {'k': [1]} | to_nice_json }}") == "{\n    \"k\": [\n        1\n    ]\n}")
        #expect(try render("{{ '[1, {\"a\": null}]' | from_json | length }}") == "2")
    }

    @Test("sort, unique, reverse, min, max, sum")
    func ordering() throws {
        #expect(
            try render("{{ names | sort }} {{ names | sort(reverse=true, case_sensitive=true) }}", data)
                == "['cache', 'db', 'Web'] ['db', 'cache', 'Web']")
        #expect(
            try render("{{ [3, 1, 3, 2] | unique | list }} {{ [1, 2] | reverse | list }} {{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ [1, 2, 3] | sum }}")
                == "[3, 1, 2] [2, 1] 1 3 6")
        #expect(try render("{{ hosts | sort(attribute='host', reverse=true) | map(attribute='host') | join }}", data) == "cba")
    }

    @Test("dictsort, items and dict2items")
    func dictFilters() throws {
        #expect(
            try render("{{ {'b': 1, 'a': 2} | dictsort }} {{ {'b': 1, 'a': 2} | dictsort(by='value') }} {{ {'k': 1} | dict2items }}")
                == "[['a', 2], ['b', 1]] [['b', 1], ['a', 2]] [{'key': 'k', 'value': 1}]")
    }

    @Test("Ansible extras: quote, b64, basename, combine, flatten, ternary, bool, indent, split")
    func ansibleExtras() throws {
        #expect(
            try render("{{ \"it's\" | quote }} {{ 'safe-word' | quote }} {{ 'hi' | b64encode }} {{ 'aGk=' | b64decode }}")
                == "'it'\"'\"'s' safe-word aGk= hi")
        #expect(try render("{{ '/etc/app/conf.yaml' | basename }} {{ '/etc/app/conf.yaml' | dirname }}") == "conf.yaml /etc/app")
        #expect(
            try render("{{ {'a': {'x': 1}} | combine({'a': {'y': 2}}, recursive=true) }} {{ [1, [2, [3]]] | flatten }}")
                == "{'a': {'x': 1, 'y': 2}} [1, 2, 3]")
        #expect(
            try render("{{ true | ternary('on', 'off') }} {{ 'yes' | bool }} {{ 'a\nb' | indent(2) }} {{ 'a,b' | split(',') }}")
                == "on True a\n  b ['a', 'b']")
    }

    @Test("filters get keyword arguments and chain with method calls")
    func chaining() throws {
        #expect(
            try render("{{ 'db1.example.com'.split('.')[0] | upper }} {{ ' x '.strip() }} {{ nested.get('x').y }} {{ nested.get('q', 'd') }}", data)
                == "DB1 x 1 d")
    }

    @Test("a filter given the wrong kind of value fails naming the filter")
    func filterErrors() {
        guard case .filter(let name, let message)? = renderError("\n{{ 'x' | dictsort }}") else {
            Issue.record("expected a filter error")
            return
        }
        #expect(name == "dictsort")
        #expect(message.contains("line 2"))
        #expect(renderError("{{ 1 < 'a' }}") == .evaluation(template: "test", line: 1, message: "'<' not supported between 'int' and 'str'"))
    }
}
