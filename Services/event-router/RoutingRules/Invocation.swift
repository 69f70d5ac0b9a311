import EventBridgeRules
import Foundation
import KinexusEvents
import KinexusJSON

/// The HTTP request one delivery of an event to an API destination makes: the destination's endpoint with the
/// target's path parameters in place of its `*`s and their query parameters added, the target's payload as the
/// body, and the connection's authorization. The event id travels as `Idempotency-Key`: a redelivery carries
/// the same one, so an endpoint can tell.
public struct Invocation: Sendable, Equatable {
    public let method: String
    public let url: String
    public let headers: [Header]
    public let body: [UInt8]?

    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    public init(
        event: EventEnvelope, ruleName: String, ruleARN: String, target: TargetDefinition, endpoint: String, method: String,
        connection: (headers: [(String, String)], query: [(String, String)])
    ) {
        self.method = method
        url = Self.url(endpoint: endpoint, pathParameters: target.pathParameters,
                       query: target.queryParameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + connection.query)
        let (body, contentType) = Self.payload(of: event, target: target, ruleName: ruleName, ruleARN: ruleARN)
        let sendsBody = !["GET", "HEAD", "OPTIONS"].contains(method)
        var headers = [Header(name: "User-Agent", value: "Kinexus-EventRouter"), Header(name: "Idempotency-Key", value: event.id)]
        if sendsBody { headers.append(Header(name: "Content-Type", value: contentType)) }
        // The connection's own parameters win over a target's of the same name, as on EventBridge.
        let connectionNames = Set(connection.headers.map { $0.0.lowercased() })
        headers += target.headerParameters.sorted { $0.key < $1.key }
            .filter { !connectionNames.contains($0.key.lowercased()) && !Self.reserved.contains($0.key.lowercased()) }
            .map { Header(name: $0.key, value: $0.value) }
        headers += connection.headers.map { Header(name: $0.0, value: $0.1) }
        self.headers = headers
        self.body = sendsBody ? body : nil
    }

    static let reserved: Set<String> = ["idempotency-key", "content-type", "content-length", "host"]

    /// The body and its type: the event itself, `Input` as given, the value at `InputPath`, or the transformer's output.
    static func payload(of event: EventEnvelope, target: TargetDefinition, ruleName: String, ruleARN: String) -> ([UInt8], String) {
        switch target.payload {
        case .event: (event.json.bytes, "application/json")
        case .constant(let text): (Array(text.utf8), "application/json")
        case .path(let path): ((path.value(in: event.json) ?? .null).bytes, "application/json")
        case .transformed(let transformer):
            (Array(transformer.apply(to: event.json, ruleName: ruleName, ruleARN: ruleARN).utf8),
             transformer.isJSONTemplate ? "application/json" : "text/plain; charset=utf-8")
        }
    }

    static func url(endpoint: String, pathParameters: [String], query: [(String, String)]) -> String {
        var values = pathParameters[...]
        var url = ""
        for character in endpoint {
            if character == "*", let value = values.popFirst() {
                url += percentEncoded(value)
            } else {
                url.append(character)
            }
        }
        guard !query.isEmpty else { return url }
        let added = query.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
        return url + (url.contains("?") ? "&" : "?") + added
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUnreservedCharacters) ?? ""
    }
}

extension CharacterSet {
    /// RFC 3986's unreserved characters: everything else in a path segment or query value is encoded.
    static let urlUnreservedCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
