import CoxswainTemplating
import Foundation
import Testing

@Suite("Render performance")
struct RenderPerformanceTests {
    /// A 20-line blueprint using loops, conditions, lookups and filters.
    static let template = """
        # generated for {{ node.name }}
        [service]
        name = {{ service | upper }}
        port = {{ port | int }}
        bind = {{ node.ip | default('0.0.0.0') }}
        {% if tls is defined and tls %}
        cert = {{ tls.cert }}
        key = {{ tls.key }}
        {% endif %}
        peers = {% for k, v in query.items() %}{{ v.ip }}{% if not loop.last %},{% endif %}{% endfor %}
        web = {{ groups['web'] | map(attribute='host') | join(',') }}
        {% for role in node.roles %}
        role.{{ loop.index }} = {{ role }}
        {% endfor %}
        labels = {{ node.labels | tojson }}
        mode = {{ 'primary' if node.name == primary else 'replica' }}
        {# a comment #}
        owner = {{ owner | default('root') }}
        memory = {{ (memory_mb | int) * 1024 }}
        done = true

        """

    static let context: [String: TemplateValue] = [
        "node": ["name": "node-a", "ip": "10.0.0.1", "roles": ["db", "web", "cache"], "labels": ["zone": "a", "tier": "1"]],
        "service": "rabbitmq", "port": "5672", "primary": "node-a", "memory_mb": "512",
        "tls": ["cert": "/etc/tls/cert.pem", "key": "/etc/tls/key.pem"],
        "query": ["node-a": ["ip": "10.0.0.1"], "node-b": ["ip": "10.0.0.2"], "node-c": ["ip": "10.0.0.3"]],
        "groups": ["web": [["host": "w1"], ["host": "w2"]]],
    ]

    @Test("renders a 20-line template 10,000 times, compiling each time and compiling once")
    func tenThousandRenders() throws {
        let renderer = TemplateRenderer()
        let expected = try renderer.render(Self.template, name: "perf", context: Self.context)
        #expect(expected.contains("peers = 10.0.0.1,10.0.0.2,10.0.0.3"))
        #expect(expected.contains("memory = 524288"))

        let clock = ContinuousClock()
        let iterations = 10_000
        let uncached = try clock.measure {
            for _ in 0..<iterations { _ = try renderer.render(Self.template, name: "perf", context: Self.context) }
        }
        let compiled = try renderer.compile(Self.template, name: "perf")
        let cached = try clock.measure {
            for _ in 0..<iterations { _ = try compiled.render(context: Self.context) }
        }
        print("templating: \(iterations) renders of a 20-line template: render() \(uncached), compile once + render \(cached)")
        #expect(try compiled.render(context: Self.context) == expected)
    }
}
