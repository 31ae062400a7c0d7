import CoxswainCore
import Foundation
import Testing

@testable import GatewayService

@Suite("Delivery input checks")
struct DeliveryInputTests {
    @Test("tags: Docker's grammar, no leading '.' or '-', at most 128 characters")
    func tags() {
        for good in ["1", "latest", "1.2.3", "v1_rc-2", String(repeating: "a", count: 128)] { #expect(ProductsController.isTag(good), "\(good)") }
        for bad in ["", "-x", ".x", "a b", "a:b", "a/b", "ä", String(repeating: "a", count: 129)] { #expect(!ProductsController.isTag(bad), "\(bad)") }
    }

    @Test("product and version names: letters, digits, '.', '_', '-', '+', starting with a letter or digit")
    func names() throws {
        for good in ["shop", "1.0", "2.0.0+build.7", "my_app-2"] { try ProductsController.checkName(good, field: "name") }
        for bad in ["", "-x", ".hidden", "a b", "a/b", "é", String(repeating: "a", count: 64)] {
            #expect(throws: HTTPResponseError.self, "\(bad)") { try ProductsController.checkName(bad, field: "name") }
        }
    }

    @Test("an image's default container name is its repository's last component as a DNS label")
    func defaultName() {
        #expect(ProductsController.defaultName("library/nginx") == "nginx")
        #expect(ProductsController.defaultName("team/My_App") == "my-app")
        #expect(ProductsController.defaultName("web") == "web")
    }
}

@Suite("Deploy checks")
struct DeployCheckTests {
    func instance(_ name: String, _ ports: [ContainerConfig.Port]) -> RolloutInstance {
        RolloutInstance(name: name, image: "demo/httpd:1", config: ContainerConfig(ports: ports))
    }

    @Test("two instances publishing the same node port are refused, naming both; other ports, protocols and addresses are fine")
    func portClash() {
        let web = instance("web", [ContainerConfig.Port(internal: 8080, external: 25580, hostIP: "127.0.0.1")])
        let sidecar = instance("sidecar", [ContainerConfig.Port(internal: 9090, external: 25580, hostIP: "127.0.0.1")])
        #expect(DeploymentsController.portClash([web, sidecar]) == "instances web and sidecar both publish 127.0.0.1:25580/tcp")
        let udp = instance("dns", [ContainerConfig.Port(internal: 53, external: 25580, proto: .udp, hostIP: "127.0.0.1")])
        let other = instance("other", [ContainerConfig.Port(internal: 8080, external: 25580, hostIP: "::1")])
        let unpublished = instance("inner", [ContainerConfig.Port(internal: 8080)])
        #expect(DeploymentsController.portClash([web, udp, other, unpublished]) == nil)
    }
}
