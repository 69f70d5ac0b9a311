import Foundation
import KinexusJSON

/// One of Atlassian's published OpenAPI documents, used to check what a client sent: the operation exists,
/// the query parameters are declared and valid, required ones are present, and the JSON body satisfies the
/// operation's request schema.
public struct OpenAPIDocument: Sendable {
    let root: JSONValue
    /// The part of a request's path the document's server URL stands for (`/wiki/api/v2` for Confluence v2).
    let serverPath: String

    init(root: JSONValue, serverPath: String) {
        self.root = root
        self.serverPath = serverPath
    }

    public var schema: JSONSchema { JSONSchema(document: root) }

    public func violations(of request: FakeRequest) -> [String] {
        let label = "\(request.method) \(request.path)"
        guard request.path.hasPrefix(serverPath) else { return ["\(label): outside \(serverPath)"] }
        let path = String(request.path.dropFirst(serverPath.count))
        guard let operation = operation(request.method.lowercased(), path) else {
            return ["\(label): no such operation in the document"]
        }
        var found: [String] = []
        let parameters: [JSONValue]
        if case .array(let declared)? = operation["parameters"] { parameters = declared.map(schema.resolvedSchema) } else { parameters = [] }
        let queryParameters = parameters.filter { $0["in"] == "query" }
        for (name, value) in request.query.sorted(by: { $0.key < $1.key }) {
            guard let parameter = queryParameters.first(where: { $0["name"]?.stringValue == name }) else {
                found.append("\(label): undeclared query parameter \(name)")
                continue
            }
            if let parameterSchema = parameter["schema"] {
                found += schema.violations(of: Self.queryValue(value, for: schema.resolvedSchema(parameterSchema)),
                                           against: parameterSchema, at: "query.\(name)")
            }
        }
        for parameter in queryParameters where parameter["required"] == .bool(true) {
            if let name = parameter["name"]?.stringValue, request.query[name] == nil {
                found.append("\(label): missing required query parameter \(name)")
            }
        }
        let requestBody = operation["requestBody"].map(schema.resolvedSchema)
        if request.body.isEmpty {
            if requestBody?["required"] == .bool(true) { found.append("\(label): the request body is required") }
            return found
        }
        guard let bodySchema = requestBody?["content"]?["application/json"]?["schema"] else {
            return found + ["\(label): this operation takes no JSON body"]
        }
        guard let body = try? JSONValue(parsing: request.body) else { return found + ["\(label): the body is not JSON"] }
        return found + schema.violations(of: body, against: bodySchema, at: "body").map { "\(label): \($0)" }
    }

    /// Query values arrive as text; a number or boolean parameter is checked as the value it spells.
    static func queryValue(_ text: String, for schema: JSONValue) -> JSONValue {
        switch schema["type"]?.stringValue {
        case "integer", "number": Double(text).map(JSONValue.number) ?? .string(text)
        case "boolean": text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case "array": .array(text.split(separator: ",").map { .string(String($0)) })
        default: .string(text)
        }
    }

    private func operation(_ method: String, _ path: String) -> JSONValue? {
        guard case .object(let paths)? = root["paths"] else { return nil }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let matching = paths.filter { template, _ in
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == segments.count && zip(parts, segments).allSatisfy { part, segment in
                part == segment || (part.hasPrefix("{") && part.hasSuffix("}") && !segment.isEmpty)
            }
        }
        // A literal segment beats a parameter: `/pages/{id}` must not swallow `/pages/search`.
        let best = matching.max { $0.key.filter { $0 == "{" }.count > $1.key.filter { $0 == "{" }.count }
        return best?.value[method]
    }
}
