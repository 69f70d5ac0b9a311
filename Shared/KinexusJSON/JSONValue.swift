import Foundation

/// Any JSON value, with the distinctions event patterns need: a number is not a string, `null` is a value.
public enum JSONValue: Sendable, Equatable, Hashable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public init(parsing text: String) throws {
        self = try JSONParser.parse(Array(text.utf8))
    }

    public init(parsing bytes: some Sequence<UInt8>) throws {
        self = try JSONParser.parse(Array(bytes))
    }

    /// Converts any Encodable value, such as an event detail, into its JSON tree. The bytes are read back
    /// with the byte-level parser: decoding them as JSONValue through JSONDecoder tries every type at
    /// every node and doubled the cost of publishing.
    public init(encoding value: some Encodable) throws {
        self = try JSONParser.parse(Array(JSONEncoder().encode(value)))
    }

    /// Compact JSON text with sorted keys.
    public var jsonText: String {
        var bytes: [UInt8] = []
        JSONWriter.write(self, into: &bytes, sortedKeys: true)
        return String(decoding: bytes, as: UTF8.self)
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// A whole number that fits an Int; nil for fractions and for anything that is not a number.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 9e15 else { return nil }
        return Int(value)
    }

    /// Parses a JSON object and answers where the value of one of its fields lies in `bytes`, so that the
    /// field can be decoded into its type from those bytes rather than from the tree written out again.
    public static func parse(_ bytes: [UInt8], keepingBytesOf field: String) throws -> (value: JSONValue, fieldBytes: Range<Int>?) {
        try JSONParser.parse(bytes, keepingBytesOf: field)
    }

    /// The compact JSON text of the tree, as bytes.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        JSONWriter.write(self, into: &bytes)
        return bytes
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
