import CoxswainCore
import Foundation
import Testing

@testable import GatewayService

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    let document: JSONValue

    init() throws { document = try OpenAPIDocument.generate() }

    /// Every operation of the document: (path, method, operation).
    var operations: [(path: String, method: String, operation: JSONValue)] {
        document["paths"]?.members.flatMap { path, item in item.members.map { (path, $0.key, $0.value) } } ?? []
    }

    @Test("the document lists exactly the route table: each route's path and method, no other")
    func exactlyTheRoutes() throws {
        #expect(document["openapi"] == "3.1.0")
        let documented = Set(operations.map { "\($0.method.uppercased()) \($0.path)" })
        let table = Set(APIRoute.allCases.map { "\($0.method.rawValue) \(OpenAPIDocument.path($0))" })
        #expect(documented == table, "missing: \(table.subtracting(documented).sorted()); extra: \(documented.subtracting(table).sorted())")
        #expect(operations.count == APIRoute.allCases.count)
        #expect(Set(operations.compactMap { $0.operation["operationId"]?.stringValue }) == Set(APIRoute.allCases.map(\.rawValue)))
        #expect(OpenAPIDocument.path(.revokeDeployToken) == "/v1/deployments/{id}/tokens/{token}")
    }

    @Test("every path parameter of a template is declared, and only those")
    func pathParameters() throws {
        for route in APIRoute.allCases {
            let operation = try #require(document["paths"]?[OpenAPIDocument.path(route)]?[route.method.rawValue.lowercased()])
            let declared = operation["parameters"]?.elements.filter { $0["in"] == "path" } ?? []
            #expect(declared.compactMap { $0["name"]?.stringValue } == route.parameters, "\(route)")
            #expect(declared.allSatisfy { $0["required"] == true }, "\(route)")
        }
    }

    @Test("each route's least role, credentials, tag and error answers")
    func rolesAndSecurity() throws {
        for route in APIRoute.allCases {
            let operation = try #require(document["paths"]?[OpenAPIDocument.path(route)]?[route.method.rawValue.lowercased()])
            #expect(operation["x-coxswain-role"]?.stringValue == route.minimumRole?.rawValue, "\(route)")
            if let role = route.minimumRole {
                #expect(operation["security"]?.elements.count == OpenAPIDocument.securitySchemes.count, "\(route)")
                #expect(operation["description"]?.stringValue?.contains("Least role: \(role.rawValue)") == true, "\(route)")
                #expect(operation["responses"]?["401"] != nil && operation["responses"]?["403"] != nil, "\(route)")
            } else {
                #expect(operation["security"] == [], "\(route) is public")
            }
            #expect(operation["tags"]?.elements.count == 1, "\(route)")
            #expect(operation["responses"]?["4XX"] == ["$ref": "#/components/responses/Error"], "\(route)")
            #expect(operation["responses"]?["5XX"] == ["$ref": "#/components/responses/Error"], "\(route)")
        }
        let error = try #require(document["components"]?["schemas"]?["APIError"])
        #expect(error["required"] == ["error", "reason"])
        #expect(error["properties"]?["error"]?["enum"]?.elements.contains("unknown_job") == true)
    }

    @Test("request and response bodies come from the controllers' Codable types")
    func bodies() throws {
        let submit = try #require(document["paths"]?["/v1/jobs"]?["post"])
        #expect(submit["requestBody"]?["content"]?["application/json"]?["schema"] == ["$ref": "#/components/schemas/SubmitJobRequest"])
        #expect(submit["responses"]?["202"]?["content"]?["application/json"]?["schema"] == ["$ref": "#/components/schemas/SubmitJobResponse"])
        let list = try #require(document["paths"]?["/v1/jobs"]?["get"])
        #expect(list["responses"]?["200"]?["content"]?["application/json"]?["schema"]?["items"] == ["$ref": "#/components/schemas/JobSummary"])
        let events = try #require(document["paths"]?["/v1/jobs/{id}/events"]?["get"])
        #expect(events["responses"]?["200"]?["content"]?["text/event-stream"] != nil)
        let schemas = document["components"]?["schemas"]?.members ?? [:]
        let request = try #require(schemas["SubmitJobRequest"])
        #expect(request["required"]?.elements.contains("verb") == true)
        #expect(request["properties"]?["targets"]?["type"] == "array")
        #expect(schemas["LoginRequest"]?["required"] == ["password", "user"] || schemas["LoginRequest"]?["required"] == ["user", "password"])
        #expect(schemas["BootstrapAction"]?["oneOf"]?.elements.count == 3)
    }

    @Test("every reference resolves to a component")
    func references() throws {
        var refs: Set<String> = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if let ref = members["$ref"]?.stringValue { refs.insert(ref) }
                members.values.forEach(walk)
            case .array(let elements): elements.forEach(walk)
            default: break
            }
        }
        walk(document)
        #expect(!refs.isEmpty)
        for ref in refs {
            let parts = ref.split(separator: "/").dropFirst().map(String.init)
            var node: JSONValue? = document
            for part in parts { node = node?[part] }
            #expect(node != nil, "\(ref) does not resolve")
        }
    }

    @Test("the served bytes are the generated document")
    func served() throws {
        let controller = OpenAPIController()
        guard case .success(let bytes) = controller.document else {
            Issue.record("the document could not be generated: \(controller.document)")
            return
        }
        #expect(bytes == (try document.encoded()))
        #expect(bytes.count > 20_000)
    }
}
