import Foundation
import Testing

@testable import CoxswainContainerEngine

@Suite("Credentials header and request bodies")
struct RequestEncodingTests {
    static func base64urlDecode(_ text: String) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }

    @Test("X-Registry-Auth is base64url JSON with username, password and serveraddress")
    func credentialsHeader() throws {
        let credentials = RegistryCredentials(username: "coxswain", password: "p+/?>>~~", serverAddress: "127.0.0.1:25500")
        let header = credentials.headerValue
        #expect(!header.contains("+") && !header.contains("/"))
        let json = try #require(Self.base64urlDecode(header))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: String])
        #expect(object == ["username": "coxswain", "password": "p+/?>>~~", "serveraddress": "127.0.0.1:25500"])
        #expect(!credentials.description.contains("p+/"))
        #expect(credentials.description == "coxswain@127.0.0.1:25500")
    }

    @Test("a container spec becomes the API 1.41 create body")
    func createBody() throws {
        var spec = ContainerSpec(image: "127.0.0.1:25500/demo/httpd:1", name: "p-web")
        spec.environment = ["B": "2", "A": "1"]
        spec.command = ["httpd", "-f"]
        spec.labels = ["io.coxswain.managed": "true"]
        spec.portBindings = [.init(container: .init(8080), hostIP: "127.0.0.1", hostPort: 18080)]
        spec.exposedPorts = [.init(53, .udp)]
        spec.mounts = [.init(source: .bind(hostPath: "/srv/www"), target: "/www", readOnly: true), .init(source: .volume(name: "data"), target: "/data")]
        spec.restartPolicy = .onFailure(maximumRetries: 3)
        spec.memoryBytes = 64 << 20
        spec.nanoCPUs = 500_000_000
        spec.healthcheck = .shell("wget -q -O- http://127.0.0.1:8080/", interval: .seconds(5), timeout: .milliseconds(1500), retries: 3)
        spec.initProcess = true
        spec.capabilitiesDropped = ["ALL"]
        spec.logConfig = .init(driver: "k8s-file")
        spec.networks = ["front": ["web"]]
        let data = try JSONEncoder().encode(CreateContainerBody(spec))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["Env"] as? [String] == ["A=1", "B=2"])
        #expect(json["Cmd"] as? [String] == ["httpd", "-f"])
        let exposed = try #require(json["ExposedPorts"] as? [String: Any])
        #expect(Set(exposed.keys) == ["8080/tcp", "53/udp"])
        let host = try #require(json["HostConfig"] as? [String: Any])
        let bindings = try #require(host["PortBindings"] as? [String: [[String: String]]])
        #expect(bindings["8080/tcp"] == [["HostIp": "127.0.0.1", "HostPort": "18080"]])
        #expect(host["Binds"] as? [String] == ["/srv/www:/www:ro", "data:/data"])
        #expect((host["RestartPolicy"] as? [String: Any])?["Name"] as? String == "on-failure")
        #expect((host["Memory"] as? NSNumber)?.int64Value == 64 << 20)
        #expect((host["NanoCpus"] as? NSNumber)?.int64Value == 500_000_000)
        #expect(host["Init"] as? Bool == true)
        #expect(host["CapDrop"] as? [String] == ["ALL"])
        #expect(host["Privileged"] == nil)
        #expect((host["LogConfig"] as? [String: Any])?["Type"] as? String == "k8s-file")
        let health = try #require(json["Healthcheck"] as? [String: Any])
        #expect((health["Interval"] as? NSNumber)?.int64Value == 5_000_000_000)
        #expect((health["Timeout"] as? NSNumber)?.int64Value == 1_500_000_000)
        let endpoints = try #require((json["NetworkingConfig"] as? [String: Any])?["EndpointsConfig"] as? [String: [String: [String]]])
        #expect(endpoints["front"]?["Aliases"] == ["web"])
    }

    @Test("durations convert to nanoseconds without trapping")
    func nanoseconds() {
        #expect(CreateContainerBody.nanoseconds(.seconds(-1)) == 0)
        #expect(CreateContainerBody.nanoseconds(.seconds(Int64.max)) == Int64.max)
        #expect(CreateContainerBody.nanoseconds(.milliseconds(1)) == 1_000_000)
        #expect(ContainerEngine.wholeSeconds(.milliseconds(1500)) == 2)
        #expect(ContainerEngine.wholeSeconds(.seconds(-3)) == 0)
    }

    @Test("locate prefers the configured socket, then the Podman and Docker defaults")
    func locate() throws {
        #expect(try ContainerEngine.locate(configured: "unix:///tmp/x.sock", fileExists: { _ in false }) == "/tmp/x.sock")
        #expect(try ContainerEngine.locate(configured: nil, fileExists: { $0 == "/var/run/docker.sock" }) == "/var/run/docker.sock")
        #expect(try ContainerEngine.locate(configured: "", fileExists: { _ in true }) == "/run/podman/podman.sock")
        #expect(throws: ContainerEngineError.noEngineFound(tried: ContainerEngine.defaultSockets)) {
            try ContainerEngine.locate(configured: nil, fileExists: { _ in false })
        }
    }

    @Test("engine info recognises Podman and Docker and compares API versions numerically")
    func engineInfo() throws {
        let podman =
            #"{"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine"}],"Version":"4.3.1","ApiVersion":"1.41","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}"#
        let info = try JSONDecoder().decode(VersionResponse.self, from: Data(podman.utf8)).info
        #expect(info.kind == .podman)
        #expect(info.supportsAPI("1.41") && info.supportsAPI("1.24") && !info.supportsAPI("1.43") && !info.supportsAPI("1.9"))
        let docker = #"{"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine"}],"Version":"20.10.24","ApiVersion":"1.41"}"#
        #expect(try JSONDecoder().decode(VersionResponse.self, from: Data(docker.utf8)).info.kind == .docker)
    }
}
