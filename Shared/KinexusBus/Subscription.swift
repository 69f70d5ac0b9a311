import EventPatterns
import KinexusEvents
import KinexusJSON

/// A rule and its handler. The exact `source` × `detail-type` values of the pattern name the topic
/// streams it reads; the rest of the pattern filters on the consumer side.
public struct Subscription: Sendable {
    public typealias Handler = @Sendable (EventEnvelope, EventContext) async throws -> Void

    public let pattern: EventPattern
    public let topics: [Topic]
    /// Entries read per XREADGROUP.
    public let batchSize: Int
    /// Handlers of this subscription running at once in this replica.
    public let concurrency: Int
    let handler: Handler

    public init(
        pattern: EventPattern, batchSize: Int = 64, concurrency: Int = 16, handler: @escaping Handler
    ) throws(EventPatternError) {
        guard let sources = pattern.exactValues(of: "source"), !sources.isEmpty else {
            throw EventPatternError(
                field: "source", problem: "a subscription needs exact source values, such as [\"kinexus.jira\"]")
        }
        guard let detailTypes = pattern.exactValues(of: "detail-type"), !detailTypes.isEmpty else {
            throw EventPatternError(
                field: "detail-type",
                problem: "a subscription needs exact detail-type values, such as [\"ChangeDetected\"]")
        }
        self.pattern = pattern
        topics = Set(sources.flatMap { source in
            detailTypes.map { Topic(source: source, detailType: $0) }
        }).sorted()
        self.batchSize = max(1, batchSize)
        self.concurrency = max(1, concurrency)
        self.handler = handler
    }

    /// A subscription reading the given topics, whatever its pattern names: a user's rule may select topics by
    /// prefix or by anything-but, so the topics that exist are chosen for it (`EventPattern.mayMatch`).
    public init(pattern: EventPattern, topics: [Topic], batchSize: Int = 64, concurrency: Int = 16, handler: @escaping Handler) {
        self.pattern = pattern
        self.topics = Set(topics).sorted()
        self.batchSize = max(1, batchSize)
        self.concurrency = max(1, concurrency)
        self.handler = handler
    }

    public init(
        pattern: String, batchSize: Int = 64, concurrency: Int = 16, handler: @escaping Handler
    ) throws(EventPatternError) {
        try self.init(pattern: try EventPattern(parsing: pattern), batchSize: batchSize,
                      concurrency: concurrency, handler: handler)
    }

    /// A subscription to one catalog type from the given sources, its detail decoded for the handler.
    /// `detailPattern` filters further on fields of the detail, as the `detail` part of a pattern.
    public init<Detail: EventDetail>(
        _ type: Detail.Type, from sources: [EventSource], detailPattern: JSONValue? = nil,
        batchSize: Int = 64, concurrency: Int = 16,
        handler: @escaping @Sendable (Detail, EventContext) async throws -> Void
    ) throws(EventPatternError) {
        var rule: [String: JSONValue] = [
            "source": .array(sources.map { .string($0.rawValue) }),
            "detail-type": .array([.string(Detail.detailType)]),
        ]
        rule["detail"] = detailPattern
        try self.init(pattern: try EventPattern(.object(rule)), batchSize: batchSize, concurrency: concurrency) {
            envelope, context in
            try await handler(try envelope.decodeDetail(as: Detail.self), context)
        }
    }
}
