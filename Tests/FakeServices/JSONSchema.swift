import Foundation
import KinexusJSON

/// Checks a JSON value against a JSON Schema (draft 4 as in the ADF schema, and OpenAPI 3.0's dialect with
/// `nullable` and `readOnly`), resolving `$ref` within the document it came from. It covers the keywords
/// Atlassian's documents use; each violation names the JSON path and the rule.
public struct JSONSchema: Sendable {
    public let document: JSONValue

    public init(document: JSONValue) {
        self.document = document
    }

    /// A document from `Tests/Fixtures/specs/`.
    static func specification(_ name: String) throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/specs/\(name)")
        return try JSONValue(parsing: try Data(contentsOf: url))
    }

    public func violations(of value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        if let reference = schema["$ref"]?.stringValue {
            guard let target = resolve(reference) else { return ["\(path): unresolvable $ref \(reference)"] }
            return violations(of: value, against: target, at: path)
        }
        if value == .null, schema["nullable"] == .bool(true) { return [] }
        var found: [String] = []
        if case .array(let parts)? = schema["allOf"] {
            for part in parts { found += violations(of: value, against: part, at: path) }
        }
        // `oneOf` is read as `anyOf`: Confluence's page body offers two shapes that both accept any object,
        // so a strict "exactly one" would refuse every body the API takes.
        for keyword in ["anyOf", "oneOf"] {
            if case .array(let options)? = schema[keyword] {
                let failures = options.map { violations(of: value, against: $0, at: path) }
                if !failures.contains(where: \.isEmpty) {
                    let closest = failures.min { $0.count < $1.count } ?? []
                    found.append("\(path): matches none of the \(keyword) options; closest: \(closest.prefix(3).joined(separator: "; "))")
                }
            }
        }
        if let types = typeNames(schema["type"]), !types.contains(where: { Self.value(value, is: $0) }) {
            return found + ["\(path): expected \(types.joined(separator: " or ")), got \(Self.kind(of: value))"]
        }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
            found.append("\(path): \(value.jsonText) is not one of \(JSONValue.array(allowed).jsonText)")
        }
        switch value {
        case .object(let fields): found += objectViolations(fields, schema, path)
        case .array(let items): found += arrayViolations(items, schema, path)
        case .string(let text): found += stringViolations(text, schema, path)
        case .number(let number):
            if case .number(let minimum)? = schema["minimum"], number < minimum { found.append("\(path): below \(minimum)") }
            if case .number(let maximum)? = schema["maximum"], number > maximum { found.append("\(path): above \(maximum)") }
        default: break
        }
        return found
    }

    private func objectViolations(_ fields: [String: JSONValue], _ schema: JSONValue, _ path: String) -> [String] {
        var found: [String] = []
        if case .array(let required)? = schema["required"] {
            for case .string(let name) in required where fields[name] == nil {
                found.append("\(path): missing required property \(name)")
            }
        }
        let properties: [String: JSONValue]
        if case .object(let declared)? = schema["properties"] { properties = declared } else { properties = [:] }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let property = properties[name] {
                if resolvedSchema(property)["readOnly"] == .bool(true) { found.append("\(path).\(name): read-only, not to be sent") }
                found += violations(of: value, against: property, at: "\(path).\(name)")
            } else if schema["additionalProperties"] == .bool(false) {
                found.append("\(path): unexpected property \(name)")
            } else if case .object(let extra)? = schema["additionalProperties"], !extra.isEmpty {
                found += violations(of: value, against: .object(extra), at: "\(path).\(name)")
            }
        }
        return found
    }

    private func arrayViolations(_ items: [JSONValue], _ schema: JSONValue, _ path: String) -> [String] {
        var found: [String] = []
        if case .number(let minimum)? = schema["minItems"], Double(items.count) < minimum { found.append("\(path): fewer than \(Int(minimum)) items") }
        if case .number(let maximum)? = schema["maxItems"], Double(items.count) > maximum { found.append("\(path): more than \(Int(maximum)) items") }
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() { found += violations(of: item, against: itemSchema, at: "\(path)[\(index)]") }
        }
        return found
    }

    private func stringViolations(_ text: String, _ schema: JSONValue, _ path: String) -> [String] {
        var found: [String] = []
        if case .number(let minimum)? = schema["minLength"], Double(text.count) < minimum { found.append("\(path): shorter than \(Int(minimum))") }
        if case .number(let maximum)? = schema["maxLength"], Double(text.count) > maximum { found.append("\(path): longer than \(Int(maximum))") }
        if let pattern = schema["pattern"]?.stringValue, text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): does not match \(pattern)")
        }
        return found
    }

    private func typeNames(_ type: JSONValue?) -> [String]? {
        switch type {
        case .string(let name)?: [name]
        case .array(let names)?: names.compactMap(\.stringValue)
        default: nil
        }
    }

    /// The schema a `$ref` chain ends at.
    func resolvedSchema(_ schema: JSONValue) -> JSONValue {
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference) { return resolvedSchema(target) }
        return schema
    }

    /// A local JSON pointer: `#/components/schemas/PageSingle`.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for token in reference.dropFirst(2).split(separator: "/") {
            node = node?[token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
        }
        return node
    }

    static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
             ("number", .number): true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .bool: "boolean"
        case .null: "null"
        case .number: "number"
        }
    }
}
