import KinexusEvents
import KinexusJSON

/// An EventBridge event pattern, with the matching semantics of aws/event-ruler.
public struct EventPattern: Sendable, Equatable {
    let root: ObjectPattern
    public let json: JSONValue

    public init(_ json: JSONValue) throws(EventPatternError) {
        guard case .object(let fields) = json else {
            throw EventPatternError(field: "", problem: "a pattern must be a JSON object")
        }
        root = try ObjectPattern(fields, path: "")
        self.json = json
    }

    public init(parsing text: String) throws(EventPatternError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            throw EventPatternError(field: "", problem: "not valid JSON")
        }
        try self.init(json)
    }

    public func matches(_ event: JSONValue) -> Bool {
        root.matches(event)
    }

    public func matches(_ envelope: EventEnvelope) -> Bool {
        root.matches(envelope.json)
    }

    /// Whether the pattern says nothing beyond exact sources and detail-types: every event on the topics it
    /// names matches, so a consumer need not evaluate it.
    public var selectsWholeTopics: Bool {
        root.alternatives.isEmpty && root.fields.allSatisfy { ["source", "detail-type"].contains($0.name) }
            && exactValues(of: "source") != nil && exactValues(of: "detail-type") != nil
    }

    /// Whether an event on `topic` can match: the pattern's own `source` and `detail-type` (at the top or in an
    /// `$or` alternative) allow the topic's. What else it asks of an event is left to matching it.
    public func mayMatch(_ topic: Topic) -> Bool {
        root.mayMatch(["source": .string(topic.source), "detail-type": .string(topic.detailType)])
    }

    /// The exact string values a top-level field lists, or nil when it filters by anything else.
    /// Subscriptions use them to name the topic streams they read.
    public func exactValues(of field: String) -> [String]? {
        guard root.alternatives.isEmpty,
              case .leaf(let matchers)? = root.fields.first(where: { $0.name == field })?.pattern
        else { return nil }
        var values: [String] = []
        for matcher in matchers {
            guard case .exact(.string(let value)) = matcher else { return nil }
            values.append(value)
        }
        return values
    }
}

struct ObjectPattern: Sendable, Equatable {
    struct Field: Sendable, Equatable {
        let name: String
        let pattern: FieldPattern
    }

    indirect enum FieldPattern: Sendable, Equatable {
        case nested(ObjectPattern)
        case leaf([ValueMatcher])
    }

    let fields: [Field]
    /// `$or`: the object matches when every field matches and so does at least one alternative.
    let alternatives: [ObjectPattern]

    init(_ object: [String: JSONValue], path: String) throws(EventPatternError) {
        guard !object.isEmpty else {
            throw EventPatternError(field: path, problem: "an empty object matches nothing")
        }
        var fields: [Field] = [], alternatives: [ObjectPattern] = []
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            let fieldPath = path.isEmpty ? name : "\(path).\(name)"
            if name == "$or" {
                guard case .array(let branches) = value, branches.count >= 2 else {
                    throw EventPatternError(field: fieldPath, problem: "$or takes an array of at least two patterns")
                }
                for branch in branches {
                    guard case .object(let branchFields) = branch else {
                        throw EventPatternError(field: fieldPath, problem: "every $or alternative must be an object")
                    }
                    alternatives.append(try ObjectPattern(branchFields, path: path))
                }
                continue
            }
            switch value {
            case .object(let nested):
                fields.append(Field(name: name, pattern: .nested(try ObjectPattern(nested, path: fieldPath))))
            case .array(let elements):
                guard !elements.isEmpty else {
                    throw EventPatternError(field: fieldPath, problem: "an empty array matches nothing")
                }
                var matchers: [ValueMatcher] = []
                for element in elements {
                    matchers.append(try ValueMatcher(parsing: element, field: fieldPath))
                }
                fields.append(Field(name: name, pattern: .leaf(matchers)))
            default:
                throw EventPatternError(
                    field: fieldPath, problem: "a field's values must be an array, such as [\(value.jsonText)]")
            }
        }
        self.fields = fields
        self.alternatives = alternatives
    }

    /// Whether the top-level fields of `fields` match where the pattern names them, whatever it says of others.
    func mayMatch(_ fields: [String: JSONValue]) -> Bool {
        for field in self.fields {
            guard let value = fields[field.name], case .leaf(let matchers) = field.pattern else { continue }
            guard Self.leafMatches(matchers, value) else { return false }
        }
        return alternatives.isEmpty || alternatives.contains { $0.mayMatch(fields) }
    }

    /// `value` is the event object at this level, or nil when the event has no such field.
    func matches(_ value: JSONValue?) -> Bool {
        for field in fields {
            let child = value?[field.name]
            switch field.pattern {
            case .nested(let pattern):
                // For an array of objects, one element must satisfy the whole nested pattern.
                if case .array(let elements)? = child {
                    guard elements.contains(where: { pattern.matches($0) }) else { return false }
                } else if !pattern.matches(child) {
                    return false
                }
            case .leaf(let matchers):
                guard Self.leafMatches(matchers, child) else { return false }
            }
        }
        return alternatives.isEmpty || alternatives.contains { $0.matches(value) }
    }

    private static func leafMatches(_ matchers: [ValueMatcher], _ value: JSONValue?) -> Bool {
        let values = leaves(of: value)
        return matchers.contains { matcher in
            if case .exists(let shouldExist) = matcher {
                return shouldExist == !values.isEmpty
            }
            return values.contains { matcher.matches($0) }
        }
    }

    /// The scalar values of a field: itself, or the elements of an array, flattened.
    private static func leaves(of value: JSONValue?) -> [JSONValue] {
        switch value {
        case nil, .object?: []
        case .array(let elements)?: elements.flatMap { leaves(of: $0) }
        case let scalar?: [scalar]
        }
    }
}
