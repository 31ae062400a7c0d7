import CoxswainCatalog
import CoxswainCore

/// The API's OpenAPI 3.1 document (`GET /v1/openapi.json`, `coxswain-gateway --print-openapi`),
/// generated from the route table so that it cannot drift from what the Gateway serves: every
/// `APIRoute` with its method, path, path parameters, credentials and least role
/// (`x-coxswain-role`), and the request and response schemas recorded from the Codable types the
/// controllers read and answer with (`RouteDocumentation`, `SchemaRecorder`). Every 4xx and 5xx
/// answer is the `APIError` object.
package enum OpenAPIDocument {
    /// The OpenAPI version written.
    package static let version = "3.1.0"
    /// The security schemes of an authenticated route (any one of them).
    package static let securitySchemes = ["bearerToken", "sessionCookie", "sessionHeader"]

    /// The document as JSON (sorted keys, indented).
    package static func json() throws -> [UInt8] { try generate().encoded() }

    /// The document for every route of the table.
    package static func generate() throws -> JSONValue {
        let recorder = SchemaRecorder()
        describeByHand(recorder)
        var paths: [String: JSONValue] = [:]
        for route in APIRoute.allCases {
            paths[path(route), default: [:]][route.method.rawValue.lowercased()] = try operation(route, recorder: recorder)
        }
        _ = try recorder.schema(for: APIError.self)
        var components = recorder.components
        // The error codes are the Gateway's one table of them (HTTPResponseError.Kind).
        let codes = Set(HTTPResponseError.Kind.allCases.map(\.code)).sorted()
        components["APIError"]?["properties"]?["error"]?["enum"] = .array(codes.map { .string($0) })
        return [
            "openapi": .string(version),
            "info": [
                "title": "Coxswain API",
                "version": .string(CoxswainVersion.current),
                "description": """
                The /v1 API of the Coxswain Gateway, served identically on its UNIX socket and over HTTP(S). \
                This document is generated from the Gateway's route table (APIRoute) and the Codable types of its \
                requests and answers: what is listed here is exactly what is served. Authenticated routes take an \
                API token (`Authorization: Bearer cxt_…`), a session from POST /v1/login (the `coxswain_session` \
                cookie or `Authorization: Session …`, with `X-Coxswain-Team` to choose the team), or — on the UNIX \
                socket only — no credential: the local operator. Each route's least role is its `x-coxswain-role`; \
                a deploy token (`cxd_…`) deploys and reads its one deployment only. Every refusal is an APIError \
                object `{"error": code, "reason": words}`.
                """,
            ],
            "servers": [["url": "/", "description": "The Gateway (HTTP or HTTPS; the same API on its UNIX socket)"]],
            "tags": .array(RouteDocumentation.Tag.allCases.map { ["name": .string($0.rawValue), "description": .string($0.description)] }),
            "paths": .object(paths),
            "components": [
                "schemas": .object(components),
                "securitySchemes": [
                    "bearerToken": [
                        "type": "http", "scheme": "bearer",
                        "description": "An API token (`cxt_…`, POST /v1/tokens) or a deploy token (`cxd_…`, deploy and read its deployment only).",
                    ],
                    "sessionCookie": [
                        "type": "apiKey", "in": "cookie", "name": "coxswain_session", "description": "The session POST /v1/login sets.",
                    ],
                    "sessionHeader": [
                        "type": "apiKey", "in": "header", "name": "Authorization",
                        "description": "`Session <secret>` with the session of POST /v1/login.",
                    ],
                ],
                "parameters": [
                    "Team": [
                        "name": "X-Coxswain-Team", "in": "header", "required": false, "schema": ["type": "string"],
                        "description": "With a session: the team to act in (default: the user's only team).",
                    ]
                ],
                "responses": [
                    "Error": [
                        "description": "The refusal: a machine-readable code and a reason in words.",
                        "content": ["application/json": ["schema": recorder.reference("APIError")]],
                    ]
                ],
            ],
        ]
    }

    /// `/v1/jobs/{id}` for `/v1/jobs/:id`.
    package static func path(_ route: APIRoute) -> String {
        route.path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }

    static func operation(_ route: APIRoute, recorder: SchemaRecorder) throws -> JSONValue {
        let doc = route.documentation
        var parameters: [JSONValue] = route.parameters.map { name in
            var schema: JSONValue = ["type": "string"]
            if name == "digest" { schema["pattern"] = "^[0-9a-f]{64}$" }
            return ["name": .string(name), "in": "path", "required": true, "schema": schema, "description": .string(describe(parameter: name, of: route))]
        }
        for query in doc.query {
            parameters.append([
                "name": .string(query.name), "in": "query", "required": .bool(query.required), "schema": query.schema,
                "description": .string(query.description),
            ])
        }
        for header in doc.headers {
            parameters.append([
                "name": .string(header.name), "in": "header", "required": .bool(header.required), "schema": ["type": "string"],
                "description": .string(header.description),
            ])
        }
        var operation: JSONValue = [
            "operationId": .string(route.rawValue),
            "summary": .string(doc.summary),
            "tags": [.string(doc.tag.rawValue)],
        ]
        var responses: JSONValue = [
            String(doc.status): try response(doc.response, status: doc.status, recorder: recorder),
            "4XX": ["$ref": "#/components/responses/Error"],
            "5XX": ["$ref": "#/components/responses/Error"],
        ]
        if let role = route.minimumRole {
            operation["x-coxswain-role"] = .string(role.rawValue)
            operation["description"] = .string(
                "\(doc.summary). Least role: \(role.rawValue) (in the team the credential acts in). Credentials: an API token, a session, or the UNIX socket's local operator."
            )
            operation["security"] = .array(securitySchemes.map { [$0: []] })
            parameters.append(["$ref": "#/components/parameters/Team"])
            responses["401"] = ["$ref": "#/components/responses/Error"]
            responses["403"] = ["$ref": "#/components/responses/Error"]
        } else {
            operation["description"] = .string("\(doc.summary). Public: no credential (the request carries its own, or needs none).")
            operation["security"] = []
        }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let request = doc.request { operation["requestBody"] = try requestBody(request, recorder: recorder) }
        operation["responses"] = responses
        return operation
    }

    static func requestBody(_ body: RouteDocumentation.Body, recorder: SchemaRecorder) throws -> JSONValue {
        ["required": true, "content": try content(body, recorder: recorder)]
    }

    static func response(_ body: RouteDocumentation.Body, status: Int, recorder: SchemaRecorder) throws -> JSONValue {
        var response: JSONValue = ["description": .string(status == 202 ? "Accepted" : status == 201 ? "Created" : "OK")]
        if case .eventStream(let events) = body {
            response["description"] = .string(
                "Server-sent events until the end; each event's data is one JSON object: "
                    + events.map { "`\($0.name.rawValue)` (\(recorder.componentName($0.data)))" }.joined(separator: ", ") + ".")
            var schemas: [String: JSONValue] = [:]
            for event in events { schemas[event.name.rawValue] = try recorder.schema(for: event.data) }
            response["x-coxswain-events"] = .object(schemas)
        }
        response["content"] = try content(body, recorder: recorder)
        return response
    }

    static func content(_ body: RouteDocumentation.Body, recorder: SchemaRecorder) throws -> JSONValue {
        switch body {
        case .json(let type): return ["application/json": ["schema": try recorder.schema(for: type)]]
        case .oneOf(let types): return ["application/json": ["schema": ["oneOf": .array(try types.map { try recorder.schema(for: $0) })]]]
        case .schema(let schema): return ["application/json": ["schema": schema]]
        case .octetStream: return ["application/octet-stream": ["schema": ["type": "string", "contentMediaType": "application/octet-stream"]]]
        case .eventStream: return ["text/event-stream": ["schema": ["type": "string"]]]
        case .export(let type):
            return [
                "application/json": ["schema": ["type": "array", "items": try recorder.schema(for: type)]],
                "application/x-ndjson": ["schema": ["type": "string", "description": "One JSON object per line."]],
                "text/csv": ["schema": ["type": "string"]],
            ]
        case .openAPIDocument: return ["application/json": ["schema": ["type": "object", "description": "An OpenAPI 3.1 document."]]]
        }
    }

    /// What a path parameter names on a route.
    static func describe(parameter name: String, of route: APIRoute) -> String {
        switch (name, route.documentation.tag) {
        case ("id", .jobs): "A job's id, or `last` for the team's latest."
        case ("id", .bootstrap): "A bootstrap run's id, or `last` for the team's latest."
        case ("id", .tokens): "The token's id."
        case ("id", .notifications): "The webhook's id."
        case ("id", _): "The deployment's id, or a unique prefix of it (at least 4 characters)."
        case ("name", .nodes): "The node's name."
        case ("name", .registries): "The registry's name."
        case ("name", _): "The SSH credential's name."
        case ("user", _): "The user's name."
        case ("digest", _): "The artifact's content digest: lower-case hex SHA-256 (64 characters)."
        case ("host", _): "The host (name or address) whose keys to forget."
        case ("product", _): "The product's name."
        case ("version", _): "The version's name."
        case ("image", _): "The image's name in the version."
        case ("token", _): "The deploy token's id or name."
        default: name
        }
    }

    // MARK: Types described by hand

    /// The tagged objects whose keys depend on their `kind` or `name` (a single run of their
    /// `init(from:)` cannot see every shape).
    static func describeByHand(_ recorder: SchemaRecorder) {
        func object(_ kind: String, _ properties: [String: JSONValue], required: [String]) -> JSONValue {
            var all = properties
            all["kind"] = ["const": .string(kind)]
            return ["type": "object", "properties": .object(all), "required": .array((["kind"] + required).map { .string($0) })]
        }
        recorder.override(
            BootstrapSource.self, name: "BootstrapSource",
            schema: [
                "oneOf": [
                    object("path", ["path": ["type": "string"]], required: ["path"]),
                    object("artifact", ["digest": ["type": "string"], "size": ["type": "integer", "format": "int64"]], required: ["digest", "size"]),
                    object("fetched", ["localName": ["type": "string"]], required: ["localName"]),
                ]
            ], example: .path("/"))
        recorder.override(
            BootstrapAction.self, name: "BootstrapAction",
            schema: [
                "oneOf": [
                    object("run", ["command": ["type": "string"]], required: ["command"]),
                    object(
                        "upload",
                        [
                            "source": recorder.reference("BootstrapSource"), "destination": ["type": "string"],
                            "mode": ["type": "integer", "minimum": 0, "maximum": .int(Int(UInt32.max))],
                        ], required: ["source", "destination"]),
                    object("download", ["remote": ["type": "string"], "localName": ["type": "string"]], required: ["remote", "localName"]),
                ]
            ], example: .run(command: "true"))
        recorder.override(
            ContainerConfig.RestartPolicy.self, name: "ContainerConfig.RestartPolicy",
            schema: [
                "type": "object",
                "properties": [
                    "name": ["type": "string", "enum": ["no", "always", "unless-stopped", "on-failure"]],
                    "maxRetries": ["type": "integer", "minimum": 0, "description": "With on-failure only."],
                ],
                "required": ["name"],
            ], example: .no)
    }
}
