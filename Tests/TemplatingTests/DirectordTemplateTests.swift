import CoxswainTemplating
import Foundation
import Testing

/// Templates shaped like the ones in Directord's orchestrations and blueprint files.
@Suite("Directord-style templates")
struct DirectordTemplateTests {
    let query: TemplateValue = [
        "node-a.example.com": ["ip": "10.0.0.1", "rabbitmq_primary": "node-a.example.com", "director_ssh_key": "ssh-ed25519 AAA a"],
        "node-b.example.com": ["ip": "10.0.0.2", "rabbitmq_primary": "node-a.example.com", "director_ssh_key": "ssh-ed25519 BBB b"],
        "node-c.example.com": ["ip": "10.0.0.3", "rabbitmq_primary": "node-a.example.com", "base64_hosts": "aG9zdHM="],
    ]

    @Test("joins the query cache's IPs with commas between")
    func queryItems() throws {
        let template = "{% for k, v in query.items() %}{{ v.ip }}{% if not loop.last %},{% endif %}{% endfor %}"
        #expect(try render(template, ["query": query]) == "10.0.0.1,10.0.0.2,10.0.0.3")
    }

    @Test("maps a group's hosts to a comma-separated list")
    func groupHosts() throws {
        let groups: TemplateValue = ["web": [["host": "w1"], ["host": "w2"]], "db": [["host": "d1"]]]
        #expect(try render("{{ groups['web'] | map(attribute='host') | join(',') }}", ["groups": groups]) == "w1,w2")
    }

    @Test("finds the one node that published an argument (functional-tests-query)")
    func firstDefined() throws {
        let template = #"echo "{{ query.values() | map(attribute='base64_hosts') | select('defined') | list | first }}" | base64 -d"#
        #expect(try render(template, ["query": query]) == #"echo "aG9zdHM=" | base64 -d"#)
    }

    @Test("renders an authorized_keys blueprint with a parenthesised filter in the loop")
    func authorizedKeys() throws {
        let template = """
            # keys
            {% for item in (query.values() | map(attribute='director_ssh_key') | select('defined')) %}
            {{ item }}
            {%- endfor %}

            """
        #expect(try render(template, ["query": query]) == "# keys\n\nssh-ed25519 AAA a\nssh-ed25519 BBB b")
    }

    @Test("joins a RabbitMQ cluster: split on the host name, compare with the primary")
    func rabbitCluster() throws {
        let template = """
            {% for key, value in query.items() %}
            {%   if directord_hostname != value['rabbitmq_primary'] %}
            rabbitmqctl join_cluster "rabbit@{{ key.split('.')[0] }}";
            {%   endif %}
            {% endfor %}
            """
        func commands(on host: String) throws -> [String] {
            try render(template, ["query": query, "directord_hostname": .string(host)]).split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        #expect(try commands(on: "node-a.example.com") == [])
        #expect(
            try commands(on: "node-b.example.com") == [
                #"rabbitmqctl join_cluster "rabbit@node-a";"#, #"rabbitmqctl join_cluster "rabbit@node-b";"#,
                #"rabbitmqctl join_cluster "rabbit@node-c";"#,
            ])
    }

    @Test("tests for a key with 'in' on each node's values")
    func inOnValues() throws {
        let template = #"{% for _, value in query.items() %}{% if "base64_hosts" in value %}{{ value['base64_hosts'] }}{% endif %}{% endfor %}"#
        #expect(try render(template, ["query": query]) == "aG9zdHM=")
    }

    @Test("renders a config blueprint with int, replace and nested braces")
    func rabbitConfig() throws {
        let template = """
            { tcp_listeners, [{ "{{ bind }}", {{ port | int }} }] },
            {inet_dist_use_interface, { {{ bind | replace('.', ',') }} } }
            """
        #expect(
            try render(template, ["bind": "0.0.0.0", "port": "5672"])
                == "{ tcp_listeners, [{ \"0.0.0.0\", 5672 }] },\n{inet_dist_use_interface, { 0,0,0,0 } }")
    }

    @Test("a blueprint that prints nested and list arguments prints Python reprs")
    func blueprintArguments() throws {
        let template = "test_boolean_args: \"{{ flag }}\"\ntest_nested_args: {{ nested }}\ntest_array_args: {{ array }}"
        #expect(
            try render(template, ["flag": true, "nested": ["k": "v"], "array": [1, "two"]])
                == "test_boolean_args: \"True\"\ntest_nested_args: {'k': 'v'}\ntest_array_args: [1, 'two']")
    }

    @Test("a job argument missing from the cache fails the render, naming it")
    func missingJobArgument() {
        #expect(
            renderError("mysql -u root -p{{ mysql_root_password }} -e \"FLUSH PRIVILEGES\"", name: "mariadb.yaml job 7")
                == .undefinedVariable(name: "mysql_root_password", template: "mariadb.yaml job 7", line: 1))
    }

    @Test("isTemplate looks for {{ or {%")
    func isTemplate() {
        let renderer = TemplateRenderer()
        #expect(renderer.isTemplate("echo {{ x }}"))
        #expect(renderer.isTemplate("{% if x %}{% endif %}"))
        #expect(!renderer.isTemplate("echo ${HOME} {x} { {"))
    }
}
