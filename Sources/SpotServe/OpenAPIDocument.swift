import Foundation

/// `/api/openapi.json`: an OpenAPI 3.1 document of every route, written from the route table
/// the router dispatches on.
enum OpenAPIDocument {
    static func object() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in Route.all {
            var operation: [String: Any] = [
                "summary": route.summary,
                "operationId": String(describing: route.handler),
                "responses": responses(route),
            ]
            let parameters: [[String: Any]] = route.pattern.filter { $0.hasPrefix("{") }.map { part in
                ["name": String(part.dropFirst().dropLast()), "in": "path", "required": true, "schema": ["type": "string"]]
            } + route.query.map { query in
                ["name": query.name, "in": "query", "required": false, "description": query.about, "schema": ["type": "string"]]
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if !route.fields.isEmpty {
                var properties: [String: Any] = [:]
                for field in route.fields { properties[field.name] = schema(field) }
                operation["requestBody"] = [
                    "required": true,
                    "content": ["application/json": ["schema": [
                        "type": "object", "properties": properties,
                        "required": route.fields.filter(\.required).map(\.name),
                    ] as [String: Any]]],
                ] as [String: Any]
            }
            if route.executes {
                operation["description"] = "Changes the cloud through the apply engine; answers 403 unless serve was started with --allow-execute."
            }
            paths[route.path, default: [:]][route.method.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "spotctl serve", "version": "1.0.0",
                     "description": "The seed's REST API over an operations repository (docs/serve.md)."],
            "servers": [["url": "http://127.0.0.1:6969"]],
            "paths": paths,
            "components": ["schemas": [
                "Success": ["type": "object", "required": ["status"], "properties": [
                    "status": ["const": "success"], "data": [:] as [String: Any], "message": ["type": "string"]]],
                "Error": ["type": "object", "required": ["status", "error"], "properties": [
                    "status": ["const": "error"], "error": ["type": "string"], "details": ["type": "object"]]],
            ] as [String: Any]],
        ]
    }

    static func schema(_ field: Route.Field) -> [String: Any] {
        var schema: [String: Any]
        switch field.type {
        case "integer": schema = ["oneOf": [["type": "integer"], ["type": "string", "pattern": "^-?[0-9]+$"]]]
        case "boolean": schema = ["type": "boolean"]
        case "integer-list": schema = ["type": "array", "items": ["oneOf": [["type": "integer"], ["type": "string", "pattern": "^-?[0-9]+$"]]]]
        default: schema = ["type": "string", "minLength": 1]
        }
        schema["description"] = field.about
        return schema
    }

    static func responses(_ route: Route) -> [String: Any] {
        func envelope(_ name: String, _ description: String) -> [String: Any] {
            ["description": description, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(name)"]]]]
        }
        if route.handler == .metrics {
            return ["200": ["description": "Prometheus text", "content": ["text/plain": ["schema": ["type": "string"]]]]]
        }
        if route.handler == .openAPI {
            return ["200": ["description": "this document", "content": ["application/json": ["schema": ["type": "object"]]]]]
        }
        var out: [String: Any] = ["200": envelope("Success", "success")]
        if route.method == "POST" { out["400"] = envelope("Error", "bad input: the body, a field, its type") }
        if route.path.contains("{") || route.method == "POST" { out["404"] = envelope("Error", "unknown host, GPU type, aggregate or cloud object") }
        if route.executes { out["403"] = envelope("Error", "serve was started without --allow-execute") }
        out["405"] = envelope("Error", "wrong method")
        if route.method == "POST" { out["500"] = envelope("Error", "cloud error"); out["503"] = envelope("Error", "NetBox or Hyperstack unavailable") }
        return out
    }

    static func json() -> Data {
        var data = (try? JSONSerialization.data(withJSONObject: object(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        data.append(0x0A)
        return data
    }
}
