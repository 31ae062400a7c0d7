import CoxswainCore
import Testing

@Suite("Published ports and container run operations")
struct PublishedPortTests {
    @Test("docker run -p forms parse; the rest is refused")
    func parsing() {
        #expect(PublishedPort(parsing: "127.0.0.1:18080:8080") == PublishedPort(parsing: "127.0.0.1:18080:8080/tcp"))
        let full = PublishedPort(parsing: "127.0.0.1:18080:8080/udp")
        #expect(full?.hostIP == "127.0.0.1" && full?.hostPort == 18080 && full?.containerPort == 8080 && full?.proto == "udp")
        let any = PublishedPort(parsing: "8080:80")
        #expect(any?.hostIP == nil && any?.hostPort == 8080 && any?.containerPort == 80)
        #expect(PublishedPort(parsing: "127.0.0.1::80")?.hostPort == nil)
        for bad in ["80", "99999:80", "0:80", "a:80", "1.2.3:80:80", "300.1.1.1:80:80", "80:80/sctp", "::1:80:80", "+1:80", "8080:80:"] {
            #expect(PublishedPort(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("run needs a DNS-label prefix and name, an image and good ports; it is a member's action")
    func runOperation() {
        #expect(ContainerOperation.run(image: "demo/httpd:1", prefix: "demo", name: "web", ports: ["127.0.0.1:1:2"]).problem == nil)
        #expect(ContainerOperation.run(image: "demo/httpd:1", prefix: "Demo", name: "web").problem?.contains("DNS label") == true)
        #expect(ContainerOperation.run(image: "demo/httpd:1", prefix: "demo", name: "web_1").problem?.contains("--name") == true)
        #expect(ContainerOperation.run(image: "", prefix: "demo", name: "web").problem?.contains("image") == true)
        #expect(ContainerOperation.run(image: "x", prefix: "demo", name: "web", ports: ["1:2:3:4"]).problem?.contains("1:2:3:4") == true)
        #expect(ContainerOperation.Action.run.leastRole == .member)
        #expect(APIRoute.containers(for: .run) == .containerControl)
    }
}
