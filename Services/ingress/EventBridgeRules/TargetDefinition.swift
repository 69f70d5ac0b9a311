import KinexusJSON

/// A rule's target as PutTargets gives it: an API destination, what of the event it is sent (the event,
/// `Input`, `InputPath` or `InputTransformer`), its `RetryPolicy` and `DeadLetterConfig`, and `HttpParameters`.
public struct TargetDefinition: Sendable, Equatable {
    public enum Payload: Sendable, Equatable {
        case event
        case constant(String)
        case path(JSONPath)
        case transformed(InputTransformer)
    }

    /// EventBridge's defaults and bounds for a target's retry policy.
    public static let retryAttempts = 0...185
    public static let eventAges = 60...86_400

    public let id: String
    public let arn: String
    public let payload: Payload
    public let maximumRetryAttempts: Int
    public let maximumEventAgeSeconds: Int
    public let deadLetterARN: String?
    public let headerParameters: [String: String]
    public let queryParameters: [String: String]
    public let pathParameters: [String]

    public init(json: JSONValue) throws(AWSRefusal) {
        guard let id = json["Id"]?.stringValue, ResourceName.isValidTargetID(id) else {
            throw .validation("Every target needs an Id of 1 to 64 letters, digits, '.', '-' or '_'.")
        }
        guard let arn = json["Arn"]?.stringValue, arn.hasPrefix("arn:"), arn.contains(":api-destination/") else {
            throw .validation("Target \(id): Kinexus delivers to API destinations only; Arn must be an api-destination ARN "
                + "(CreateApiDestination answers one), not '\(json["Arn"]?.stringValue?.prefix(120) ?? "")'.")
        }
        let given = ["Input", "InputPath", "InputTransformer"].filter { json[$0] != nil && json[$0] != .null }
        guard given.count <= 1 else { throw .validation("Target \(id): give only one of Input, InputPath and InputTransformer.") }
        switch given.first {
        case "Input":
            guard let text = json["Input"]?.stringValue, (try? JSONValue(parsing: text)) != nil else {
                throw .validation("Target \(id): Input must be valid JSON text.")
            }
            payload = .constant(text)
        case "InputPath":
            guard let text = json["InputPath"]?.stringValue, let path = JSONPath(text) else {
                throw .validation("Target \(id): InputPath must be a JSON path such as $.detail.")
            }
            payload = .path(path)
        case "InputTransformer":
            payload = .transformed(try InputTransformer(json: json["InputTransformer"] ?? .null))
        default:
            payload = .event
        }
        let retry = json["RetryPolicy"]
        maximumRetryAttempts = try Self.bounded(retry?["MaximumRetryAttempts"], Self.retryAttempts, default: 185, id: id,
                                                name: "RetryPolicy.MaximumRetryAttempts")
        maximumEventAgeSeconds = try Self.bounded(retry?["MaximumEventAgeInSeconds"], Self.eventAges, default: 86_400, id: id,
                                                  name: "RetryPolicy.MaximumEventAgeInSeconds")
        deadLetterARN = json["DeadLetterConfig"]?["Arn"]?.stringValue
        let http = json["HttpParameters"]
        headerParameters = try Self.strings(http?["HeaderParameters"], id: id, name: "HttpParameters.HeaderParameters")
        guard headerParameters.keys.allSatisfy(ConnectionDefinition.isHeaderName) else {
            throw .validation("Target \(id): every HttpParameters.HeaderParameters key must be a header name.")
        }
        queryParameters = try Self.strings(http?["QueryStringParameters"], id: id, name: "HttpParameters.QueryStringParameters")
        pathParameters = try (http?["PathParameterValues"]?.arrayValue ?? []).map { value throws(AWSRefusal) in
            guard let text = value.stringValue else { throw .validation("Target \(id): PathParameterValues must be strings.") }
            return text
        }
        self.id = id
        self.arn = arn
    }

    /// The target as ListTargetsByRule answers it, and as it is stored.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "Id": .string(id), "Arn": .string(arn),
            "RetryPolicy": ["MaximumRetryAttempts": .number(Double(maximumRetryAttempts)),
                            "MaximumEventAgeInSeconds": .number(Double(maximumEventAgeSeconds))],
        ]
        switch payload {
        case .event: break
        case .constant(let text): fields["Input"] = .string(text)
        case .path(let path): fields["InputPath"] = .string(path.description)
        case .transformed(let transformer): fields["InputTransformer"] = transformer.json
        }
        if let deadLetterARN { fields["DeadLetterConfig"] = ["Arn": .string(deadLetterARN)] }
        if !headerParameters.isEmpty || !queryParameters.isEmpty || !pathParameters.isEmpty {
            fields["HttpParameters"] = [
                "HeaderParameters": .object(headerParameters.mapValues(JSONValue.string)),
                "QueryStringParameters": .object(queryParameters.mapValues(JSONValue.string)),
                "PathParameterValues": .array(pathParameters.map(JSONValue.string)),
            ]
        }
        return .object(fields)
    }

    /// The name of the API destination the target's ARN names.
    public var destinationName: String { ResourceName.name(fromNameOrARN: arn, kind: "api-destination") }

    private static func bounded(_ value: JSONValue?, _ range: ClosedRange<Int>, default fallback: Int, id: String, name: String)
        throws(AWSRefusal) -> Int
    {
        guard let value, value != .null else { return fallback }
        guard let number = value.intValue, range.contains(number) else {
            throw .validation("Target \(id): \(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }

    private static func strings(_ value: JSONValue?, id: String, name: String) throws(AWSRefusal) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard case .object(let fields) = value, fields.count <= 100 else { throw .validation("Target \(id): \(name) must map names to strings.") }
        var strings: [String: String] = [:]
        for (key, value) in fields {
            guard let text = value.stringValue else { throw .validation("Target \(id): \(name) must map names to strings.") }
            strings[key] = text
        }
        return strings
    }
}
