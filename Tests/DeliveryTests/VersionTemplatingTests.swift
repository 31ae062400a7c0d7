import CoxswainCore
import Testing

@testable import CoxswainDelivery

/// `{{ version }}` in environment values; nothing else.
@Suite("Version templating")
struct VersionTemplatingTests {
    @Test(
        "{{ version }} is replaced, with any spacing",
        arguments: [
            ("{{ version }}", "1.4.0"), ("v{{version}}", "v1.4.0"), ("{{  version\t}}-{{ version }}", "1.4.0-1.4.0"),
            ("image:{{ version }}@ü", "image:1.4.0@ü"), ("plain", "plain"), ("", ""),
        ])
    func renders(value: String, rendered: String) {
        #expect(VersionTemplating.render(value, version: "1.4.0") == rendered)
        #expect(VersionTemplating.unsupportedExpressions(in: value).isEmpty)
    }

    @Test(
        "other braces are left as they are",
        arguments: ["{{.Time}}", "{{ }}", "{{", "}}", "{{ version", "{\"a\":{\"b\":1}}", "{{ 1 + 1 }}", "{{{{ \"x\" }}"])
    func leftAlone(value: String) {
        #expect(VersionTemplating.render(value, version: "9") == value)
        #expect(VersionTemplating.unsupportedExpressions(in: value).isEmpty)
    }

    @Test("other variables and expressions are refused when saved, naming the variable; rendering leaves them")
    func refused() {
        let config = ContainerConfig(environment: ["URL": "https://{{ host }}/v{{ version }}", "TAG": "{{ version | upper }}", "OK": "{{ version }}"])
        #expect(
            VersionTemplating.problems(in: config, at: "images[web]").map(\.description) == [
                "images[web].environment.TAG: '{{ version | upper }}' is not supported: only {{ version }} is replaced",
                "images[web].environment.URL: '{{ host }}' is not supported: only {{ version }} is replaced",
            ])
        #expect(VersionTemplating.problems(in: config).first?.path == "environment.TAG")
        #expect(VersionTemplating.render("https://{{ host }}/v{{ version }}", version: "2") == "https://{{ host }}/v2")
        #expect(VersionTemplating.problems(in: ContainerConfig()).isEmpty)
    }

    @Test("one pass: a version name holding {{ version }} is not rendered again")
    func onePass() {
        #expect(VersionTemplating.render("{{ version }}", version: "{{ version }}") == "{{ version }}")
        #expect(VersionTemplating.render("{{{ version }}}", version: "1") == "{1}")
    }

    @Test("an effective configuration renders its environment only and keeps its provenance")
    func effective() {
        let effective = ConfigLayering.merge(
            image: ContainerConfig(environment: ["TAG": "{{ version }}"], labels: ["v": "{{ version }}"]),
            deployment: ContainerConfig(environment: ["URL": "/{{version}}/"]))
        let rendered = VersionTemplating.render(effective, version: "3.1")
        #expect(rendered.config.environment == ["TAG": "3.1", "URL": "/3.1/"])
        #expect(rendered.config.labels == ["v": "{{ version }}"])
        #expect(rendered.provenance == effective.provenance)
    }

    @Test("a hostile value is scanned in linear time")
    func hostile() {
        let opens = String(repeating: "{{", count: 50_000) + String(repeating: " ", count: 50_000) + "}}"
        #expect(VersionTemplating.render(opens, version: "1") == opens)
        let many = String(repeating: "{{ version }}", count: 10_000)
        #expect(VersionTemplating.render(many, version: "1") == String(repeating: "1", count: 10_000))
    }
}
