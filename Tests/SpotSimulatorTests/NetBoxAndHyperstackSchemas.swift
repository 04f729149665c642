import Foundation
import Testing
import TestSupport
import Yams
@testable import SpotSimulator

/// Component schemas of an OpenAPI document (the excerpts kept in `*SchemaExcerpts.swift`),
/// parsed with Yams, and a checker that compares a JSON value with one of them: property names,
/// JSON types (`integer`, `number`, `string`, `boolean`, `array`, `object`), `enum` values,
/// `nullable`, `$ref` and `allOf`, and `format: uri`.
struct OpenAPISchemas: @unchecked Sendable {
    let schemas: [String: [String: Any]]

    init(_ excerpts: [(name: String, line: Int, yaml: String)]) {
        var schemas: [String: [String: Any]] = [:]
        for excerpt in excerpts {
            // The excerpts are fixed text in this test target: a failure to parse is a bug here.
            let document = Self.normalize(try! Yams.load(yaml: excerpt.yaml)) as? [String: Any]
            schemas[excerpt.name] = document?[excerpt.name] as? [String: Any]
            precondition(schemas[excerpt.name] != nil, "no schema \(excerpt.name) in its excerpt")
        }
        self.schemas = schemas
    }

    /// Yams gives `[AnyHashable: Any]` mappings; this makes every key a string.
    private static func normalize(_ value: Any?) -> Any {
        guard let value else { return NSNull() }
        if let mapping = value as? [AnyHashable: Any] {
            var result: [String: Any] = [:]
            for (key, item) in mapping { result["\(key.base)"] = normalize(item) }
            return result
        }
        if let sequence = value as? [Any] { return sequence.map { normalize($0) } }
        return value
    }

    /// Every property name a schema declares.
    func properties(of name: String) -> [String] {
        ((schemas[name]?["properties"] as? [String: Any]) ?? [:]).keys.sorted()
    }

    func required(of name: String) -> [String] {
        (schemas[name]?["required"] as? [String]) ?? []
    }

    /// The problems found checking `value` against the schema `name`.
    /// - requireAll: whether a schema's every declared property must be present (else only its
    ///   `required` ones).
    /// - allowNull: property names whose value may be null although the schema does not say
    ///   `nullable` (the Hyperstack document declares nothing nullable, yet the API sends nulls).
    /// - optional: property names that may be absent (`config_context` with `exclude=config_context`).
    func problems(_ value: JSON, against name: String, requireAll: @escaping (String) -> Bool = { _ in true },
                  allowNull: Set<String> = [], optional: Set<String> = []) -> [String] {
        var problems: [String] = []
        guard let schema = schemas[name] else { return ["no schema named \(name)"] }
        let rules = Rules(requireAll: requireAll, allowNull: allowNull, optional: optional)
        check(value, schema, schemaName: name, path: name, property: "", rules: rules, problems: &problems)
        return problems
    }

    private struct Rules {
        let requireAll: (String) -> Bool
        let allowNull: Set<String>
        let optional: Set<String>
    }

    private func check(_ value: JSON, _ schema: [String: Any], schemaName: String, path: String, property: String,
                       rules: Rules, problems: inout [String]) {
        let allowNull = rules.allowNull
        let nullable = schema["nullable"] as? Bool == true || allowNull.contains(property)
        if let ref = schema["$ref"] as? String {
            if value.isNull {
                if !nullable { problems.append("\(path): null, but \(ref) is not nullable") }
                return
            }
            let target = String(ref.split(separator: "/").last ?? "")
            guard let resolved = schemas[target] else {
                problems.append("\(path): refers to \(target), which these tests do not hold")
                return
            }
            check(value, resolved, schemaName: target, path: path, property: property, rules: rules, problems: &problems)
            return
        }
        if let allOf = schema["allOf"] as? [Any] {
            if value.isNull {
                if !nullable { problems.append("\(path): null, but not nullable") }
                return
            }
            for part in allOf.compactMap({ $0 as? [String: Any] }) {
                check(value, part, schemaName: schemaName, path: path, property: property, rules: rules, problems: &problems)
            }
            if schema["type"] as? String == "object", value.object == nil { problems.append("\(path): expected an object") }
            return
        }
        let type = schema["type"] as? String ?? (schema["properties"] != nil ? "object" : nil)
        if value.isNull {
            if !nullable && type != nil { problems.append("\(path): null, but the schema says \(type!) and not nullable") }
            return
        }
        switch type {
        case "integer":
            if case .int = value {} else { problems.append("\(path): expected an integer, got \(value.serialized)") }
        case "number":
            switch value {
            case .int, .double: break
            default: problems.append("\(path): expected a number, got \(value.serialized)")
            }
        case "string":
            guard let text = value.string else {
                problems.append("\(path): expected a string, got \(value.serialized)")
                return
            }
            if schema["format"] as? String == "uri", !(text.hasPrefix("http://") || text.hasPrefix("https://")) {
                problems.append("\(path): expected an absolute URI, got \(text)")
            }
        case "boolean":
            if value.bool == nil { problems.append("\(path): expected a boolean, got \(value.serialized)") }
        case "array":
            guard let items = value.array else {
                problems.append("\(path): expected an array, got \(value.serialized)")
                return
            }
            if let itemSchema = schema["items"] as? [String: Any] {
                for item in items {
                    check(item, itemSchema, schemaName: schemaName, path: path + "[]", property: property,
                          rules: rules, problems: &problems)
                }
            }
        case "object":
            guard let pairs = value.object else {
                problems.append("\(path): expected an object, got \(value.serialized)")
                return
            }
            let present = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
            let declared = (schema["properties"] as? [String: Any]) ?? [:]
            let required = Set((schema["required"] as? [String]) ?? [])
            for key in declared.keys.sorted() {
                guard let child = present[key] else {
                    if (rules.requireAll(schemaName) || required.contains(key)) && !rules.optional.contains(key) {
                        problems.append("\(path).\(key): missing")
                    }
                    continue
                }
                if let childSchema = declared[key] as? [String: Any] {
                    check(child, childSchema, schemaName: schemaName, path: path + "." + key, property: key,
                          rules: rules, problems: &problems)
                }
            }
        default:
            break  // no type: any value
        }
        if let choices = schema["enum"] as? [Any], !value.isNull {
            let allowed = choices.map { "\($0)" }
            let actual = value.string ?? value.int.map(String.init) ?? value.serialized
            if !allowed.contains(actual) { problems.append("\(path): \(actual) is not one of \(allowed)") }
        }
    }
}

extension HTTPResult {
    /// The body as the simulator's ordered JSON value (keeps integers, doubles and booleans apart).
    func value() throws -> JSON {
        try JSON.parse(body)
    }
}
