import Hummingbird

/// A value of a module below the service kit (which cannot name Hummingbird's `ResponseEncodable`) as a
/// JSON response body, encoded as the value itself.
public struct JSONBody<Value: Encodable & Sendable>: ResponseEncodable, Sendable {
    public let value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}
