import KinexusEvents
import Tracing

/// Where a fact stands in its chain: the correlation id and the trace it travels in. A service keeps it with
/// a record a person acts on later (a review), so that the decision continues the chain of the webhook that
/// started it, in `kinexus trace` and in a tracing backend alike, instead of beginning one of its own.
public struct EventChain: Sendable, Equatable {
    public let correlationID: String
    public let traceparent: String?
    public let tracestate: String?

    public init(correlationID: String, traceparent: String?, tracestate: String?) {
        self.correlationID = correlationID
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    var traceFields: [String: String] {
        var fields: [String: String] = [:]
        fields[TraceFields.names[0]] = traceparent
        fields[TraceFields.names[1]] = tracestate
        return fields
    }
}

extension EventContext {
    /// The chain of the event in hand, at the span handling it.
    public var chain: EventChain {
        let fields = publisher.traceFields.current()
        return EventChain(correlationID: correlationID, traceparent: fields[TraceFields.names[0]],
                          tracestate: fields[TraceFields.names[1]])
    }
}

extension EventPublisher {
    /// Publishes a fact that continues `chain`: under its correlation id, from a span in its trace that links
    /// to the current one (the request of the person who acted). `id`, as for `publish`, stops repeats.
    @discardableResult
    public func publish<Detail: EventDetail>(_ detail: Detail, source: EventSource, id: String? = nil,
                                             continuing chain: EventChain) async throws -> EventEnvelope {
        try await within(chain, publishing: Detail.self) {
            try await publish(detail, source: source, id: id, correlationID: chain.correlationID)
        }
    }

    /// Publishes a fact that continues `chain` unless `key` exists, as `publish(_:source:id:correlationID:onceFor:remembering:)`
    /// does; answers whether this call published.
    public func publish<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String, continuing chain: EventChain, onceFor key: String,
        remembering lifetime: Duration
    ) async throws -> Bool {
        try await within(chain, publishing: Detail.self) {
            try await publish(detail, source: source, id: id, correlationID: chain.correlationID, onceFor: key, remembering: lifetime)
        }
    }

    private func within<Detail: EventDetail, Result: Sendable>(
        _ chain: EventChain, publishing: Detail.Type, _ body: () async throws -> Result
    ) async throws -> Result {
        let current = ServiceContext.current
        let parent = traceFields.context(of: chain.traceFields) ?? current ?? .topLevel
        return try await withSpan("publish \(Detail.detailType)", context: parent, ofKind: .producer) { span in
            if let current, span.isRecording { span.addLink(SpanLink(context: current, attributes: [:])) }
            return try await body()
        }
    }
}
