import Testing

@testable import CoxswainTemplating

@Suite("Template scanner")
struct TemplateScannerTests {
    func scan(_ source: String, _ options: TemplateRenderer.Options = .init()) throws(TemplateError) -> [TemplateScanner.Segment] {
        try TemplateScanner(options: options).scan(source, template: "t")
    }

    @Test("splits text, expressions and tags, with the line each starts on")
    func segmentsAndLines() throws {
        #expect(
            try scan("a {{ x }}\n{% if y %}\nb{% endif %}") == [
                .text("a "), .output(expression: "x", line: 1), .text("\n"), .tag(name: "if", body: "y", line: 2),
                .text("\nb"), .tag(name: "endif", body: "", line: 3),
            ])
    }

    @Test("lines stay exact on identical lines and after multi-line tags")
    func linesOnRepeatedContent() throws {
        let segments = try scan("{{ a }}\n{{ a }}\n{{\n b\n}}\n{{ a }}")
        let lines = segments.compactMap { segment -> Int? in
            if case .output(_, let line) = segment { line } else { nil }
        }
        #expect(lines == [1, 2, 3, 6])
    }

    @Test("closing delimiters inside strings and dict literals do not end a tag")
    func delimitersInStrings() throws {
        #expect(
            try scan(#"{{ "}}" ~ '%}' }}{% set d = {'a': {'b': 1}} %}"#) == [
                .output(expression: #""}}" ~ '%}'"#, line: 1), .tag(name: "set", body: "d = {'a': {'b': 1}}", line: 1),
            ])
    }

    @Test("single braces and shell syntax are text")
    func shellText() throws {
        #expect(try scan("echo ${HOME} {a} { {x}") == [.text("echo ${HOME} {a} { {x}")])
    }

    @Test("minus trims all whitespace, including newlines, on its side only")
    func minusTrims() throws {
        #expect(
            try scan("a \n {%- if x %} b {{- y -}} \n c") == [
                .text("a"), .tag(name: "if", body: "x", line: 2), .text(" b"), .output(expression: "y", line: 2), .text("c"),
            ])
    }

    @Test("comments are dropped and their trim markers apply")
    func comments() throws {
        #expect(try scan("a {#- c -#} b {# {{ not a tag }} #}") == [.text("ab ")])
    }

    @Test("raw content is passed through verbatim")
    func raw() throws {
        #expect(try scan("{% raw -%}  {{ x }}\n{%- endraw %}!") == [.text("{{ x }}"), .text("!")])
    }

    @Test("trim_blocks drops the newline after a block tag, lstrip_blocks the indentation before it")
    func trimAndLstrip() throws {
        let options = TemplateRenderer.Options(trimBlocks: true, lstripBlocks: true)
        #expect(
            try scan("  {% if x %}\n  y\n  {%+ endif %}\n{{ z }}\n", options) == [
                .tag(name: "if", body: "x", line: 1), .text("  y\n  "), .tag(name: "endif", body: "", line: 3), .output(expression: "z", line: 4),
            ])
        // Only indentation at the start of a line is stripped, and only before block tags.
        #expect(
            try scan("a {% if x %}\n  {{ y }}", options) == [
                .text("a "), .tag(name: "if", body: "x", line: 1), .text("  "), .output(expression: "y", line: 2),
            ])
    }

    @Test("Windows newlines become \\n and one trailing newline is dropped")
    func newlines() throws {
        #expect(try scan("a\r\nb\r\n\r\n") == [.text("a\nb\n")])
        #expect(try scan("a\n", .init(keepTrailingNewline: true)) == [.text("a\n")])
    }

    @Test("an unclosed tag is a syntax error on the line it opens")
    func unclosed() {
        #expect(throws: TemplateError.syntax(template: "t", line: 2, message: "'{%' is never closed")) {
            try scan("x\n{% if y\n")
        }
        #expect(throws: TemplateError.syntax(template: "t", line: 1, message: "'{% raw %}' has no '{% endraw %}'")) {
            try scan("{% raw %}x")
        }
    }
}
