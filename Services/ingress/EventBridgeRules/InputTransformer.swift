import KinexusJSON

/// EventBridge's input transformer: values picked from the event by `InputPathsMap`, placed into `InputTemplate`
/// at `<name>`. In a JSON template a value inside quotes goes in as string content and one outside as JSON;
/// a template that is plain text takes strings as they are. `<aws.events.rule-name>`, `<aws.events.rule-arn>`,
/// `<aws.events.event.ingestion-time>` and `<aws.events.event>` are always there.
public struct InputTransformer: Sendable, Equatable {
    public let paths: [String: JSONPath]
    public let template: String

    public init(json: JSONValue) throws(AWSRefusal) {
        guard let template = json["InputTemplate"]?.stringValue, !template.isEmpty, template.utf8.count <= 8192 else {
            throw .validation("InputTransformer needs an InputTemplate of 1 to 8192 characters.")
        }
        var paths: [String: JSONPath] = [:]
        if let map = json["InputPathsMap"] {
            guard case .object(let fields) = map, fields.count <= 100 else {
                throw .validation("InputPathsMap must map at most 100 names to JSON paths.")
            }
            for (name, value) in fields {
                guard !name.isEmpty, name.utf8.count <= 256, name.utf8.allSatisfy(ResourceName.isNameCharacter), !name.hasPrefix("aws.") else {
                    throw .validation("InputPathsMap name '\(name.prefix(80))' must be letters, digits, '_', '-' or '.', and not begin with 'aws.'.")
                }
                guard let text = value.stringValue, let path = JSONPath(text) else {
                    throw .validation("InputPathsMap value for '\(name)' is not a JSON path such as $.detail.id.")
                }
                paths[name] = path
            }
        }
        self.paths = paths
        self.template = template
    }

    public var json: JSONValue {
        .object([
            "InputPathsMap": .object(paths.mapValues { .string($0.description) }),
            "InputTemplate": .string(template),
        ])
    }

    /// Whether the template is JSON (an object, an array or a string) rather than plain text.
    public var isJSONTemplate: Bool {
        guard let first = template.first(where: { !$0.isWhitespace }) else { return false }
        return first == "{" || first == "[" || first == "\""
    }

    /// The template with every placeholder filled from `event`; an unknown name is left as it is written.
    public func apply(to event: JSONValue, ruleName: String, ruleARN: String) -> String {
        var values = paths.mapValues { $0.value(in: event) ?? .null }
        values["aws.events.rule-name"] = .string(ruleName)
        values["aws.events.rule-arn"] = .string(ruleARN)
        values["aws.events.event.ingestion-time"] = event["time"] ?? .null
        values["aws.events.event"] = event
        var output = ""
        var insideString = false, escaped = false
        var rest = Substring(template)
        while let character = rest.first {
            if character == "<", let end = rest.firstIndex(of: ">"), let value = values[String(rest[rest.index(after: rest.startIndex)..<end])] {
                output += Self.text(of: value, insideString: insideString, json: isJSONTemplate)
                rest = rest[rest.index(after: end)...]
                continue
            }
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                insideString.toggle()
            }
            output.append(character)
            rest = rest.dropFirst()
        }
        return output
    }

    private static func text(of value: JSONValue, insideString: Bool, json: Bool) -> String {
        if insideString || !json {
            if case .string(let text) = value {
                return insideString ? String(JSONValue.string(text).jsonText.dropFirst().dropLast()) : text
            }
            if value == .null { return "" }
            let text = value.jsonText
            return insideString ? String(JSONValue.string(text).jsonText.dropFirst().dropLast()) : text
        }
        return value.jsonText
    }
}
