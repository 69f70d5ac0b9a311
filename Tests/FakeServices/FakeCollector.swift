import Foundation
import KinexusJSON

/// An OpenTelemetry collector as far as OTLP/HTTP with JSON bodies goes: `POST /v1/traces` of an
/// `ExportTraceServiceRequest`, its spans kept in memory with their service's name. Ids are kept as
/// lower-case hex, as W3C `traceparent` writes them, whether the body spelt them in hex (as the OTLP
/// specification says) or in base64 (protobuf's own JSON mapping, which swift-otel writes).
public actor FakeCollector {
    public struct Span: Sendable, CustomStringConvertible {
        public let service: String
        public let traceID: String
        public let spanID: String
        public let parentSpanID: String?
        public let name: String
        /// 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
        public let kind: Int
        public let attributes: [String: String]
        public let links: [(traceID: String, spanID: String)]
        /// 2 for an error.
        public let statusCode: Int

        public var description: String {
            "\(service) \(name) kind=\(kind) trace=\(traceID) span=\(spanID) parent=\(parentSpanID ?? "-")"
        }
    }

    public private(set) var spans: [Span] = []
    public private(set) var violations: [String] = []

    public init() {}

    public func trace(_ traceID: String) -> [Span] { spans.filter { $0.traceID == traceID } }

    public func handle(_ request: FakeRequest) -> FakeResponse {
        guard request.method == "POST", request.path == "/v1/traces" else { return .json(404, "{}") }
        guard request.header("Content-Type")?.hasPrefix("application/json") == true else {
            violations.append("a body of \(request.header("Content-Type") ?? "no type")")
            return .json(415, "{}")
        }
        do {
            let body = try JSONValue(parsing: request.body)
            for resourceSpans in body["resourceSpans"]?.arrayValue ?? [] {
                let service = Self.attributes(resourceSpans["resource"]?["attributes"])["service.name"] ?? ""
                for scopeSpans in resourceSpans["scopeSpans"]?.arrayValue ?? [] {
                    for span in scopeSpans["spans"]?.arrayValue ?? [] { spans.append(try Self.span(span, service: service)) }
                }
            }
            return .json(200, "{}")
        } catch {
            violations.append("\(error)")
            return .json(400, "{}")
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func span(_ span: JSONValue, service: String) throws -> Span {
        guard let traceID = id(span["traceId"], bytes: 16), let spanID = id(span["spanId"], bytes: 8),
              let name = span["name"]?.stringValue
        else { throw Malformed(description: "a span without its ids or name: \(span.jsonText)") }
        let links = (span["links"]?.arrayValue ?? []).compactMap { link -> (String, String)? in
            guard let trace = id(link["traceId"], bytes: 16), let span = id(link["spanId"], bytes: 8) else { return nil }
            return (trace, span)
        }
        return Span(service: service, traceID: traceID, spanID: spanID, parentSpanID: id(span["parentSpanId"], bytes: 8),
                    name: name, kind: span["kind"]?.intValue ?? 0, attributes: attributes(span["attributes"]), links: links,
                    statusCode: span["status"]?["code"]?.intValue ?? 0)
    }

    /// `[{key, value: {stringValue | intValue | boolValue | doubleValue}}]` as text.
    static func attributes(_ list: JSONValue?) -> [String: String] {
        var attributes: [String: String] = [:]
        for attribute in list?.arrayValue ?? [] {
            guard let key = attribute["key"]?.stringValue, let value = attribute["value"] else { continue }
            if let text = value["stringValue"]?.stringValue ?? value["intValue"]?.stringValue {
                attributes[key] = text
            } else if let number = value["intValue"]?.intValue ?? value["doubleValue"]?.intValue {
                attributes[key] = String(number)
            } else if case .bool(let flag)? = value["boolValue"] {
                attributes[key] = String(flag)
            }
        }
        return attributes
    }

    static func id(_ value: JSONValue?, bytes: Int) -> String? {
        guard let text = value?.stringValue, !text.isEmpty else { return nil }
        if text.count == bytes * 2, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let data = Data(base64Encoded: text), data.count == bytes else { return nil }
        return data.map { String(format: "%02x", $0) }.joined()
    }
}
