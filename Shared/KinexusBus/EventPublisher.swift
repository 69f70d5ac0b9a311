import Foundation
import KinexusEvents
import KinexusJSON
import KinexusRedis
import Metrics
import Synchronization

/// Publishes envelopes to their topic streams: one XADD each, pipelined. Streams are not trimmed here but
/// by each service's `StreamTrimmer`, which keeps every entry a group has yet to acknowledge.
public struct EventPublisher: Sendable {
    /// An event with the correlation id that travels beside it.
    public struct Outgoing: Sendable {
        public var envelope: EventEnvelope
        public var correlationID: String
        /// The W3C `traceparent` of a caller outside Kinexus (PutEvents' `TraceHeader`), continued instead of the
        /// publisher's own context.
        public var traceParent: String?

        public init(envelope: EventEnvelope, correlationID: String? = nil, traceParent: String? = nil) {
            self.envelope = envelope
            self.correlationID = correlationID ?? EventID.random()
            self.traceParent = traceParent
        }
    }

    let redis: RedisClient
    public let account: String
    public let region: String
    let deduplicationWindow: Duration
    let traceFields = TraceFields()
    private let streams = PublishedStreams()

    public init(redis: RedisClient, account: String, region: String, deduplicationWindow: Duration = .seconds(86_400)) {
        self.redis = redis
        self.account = account
        self.region = region
        self.deduplicationWindow = deduplicationWindow
    }

    public init(redis: RedisClient, configuration: BusConfiguration) {
        self.init(redis: redis, account: configuration.account, region: configuration.region,
                  deduplicationWindow: configuration.deduplicationWindow)
    }

    /// The streams this publisher has added to, which the process's trimmer looks after.
    public var publishedStreams: Set<String> { streams.names.withLock { $0 } }

    /// The envelope for a catalog detail, stamped with this deployment's account and region.
    /// Pass `id` when a retry upstream can repeat the same fact, so that `publish` stops the repeats.
    public func envelope<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String? = nil, resources: [String] = []
    ) throws -> EventEnvelope {
        EventEnvelope(
            id: id ?? EventID.random(), detailType: Detail.detailType, source: source.rawValue,
            account: account, region: region, resources: resources, detail: try JSONValue(encoding: detail))
    }

    /// Publishes one catalog event and returns its envelope. An event given its own `id` is a fact that a
    /// retry upstream may repeat: a repeat of that id on its stream within the deduplication window is not
    /// added, so no group ever sees it twice (counted in `kinexus_events_duplicate_total`).
    @discardableResult
    public func publish<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String? = nil, correlationID: String? = nil
    ) async throws -> EventEnvelope {
        let outgoing = Outgoing(envelope: try envelope(detail, source: source, id: id), correlationID: correlationID)
        guard let id else {
            _ = try await publish([outgoing])
            return outgoing.envelope
        }
        let stream = outgoing.envelope.topic.streamKey
        if try await !add(outgoing, onceFor: "kinexus:published:\(stream):\(id)", remembering: deduplicationWindow) {
            Counter(label: "kinexus_events_duplicate_total", dimensions: [("detail_type", Detail.detailType)]).increment()
        }
        return outgoing.envelope
    }

    /// Publishes many events in one round trip and returns their stream entry ids, in order: each is added,
    /// repeated ids too. Every event is checked before any is sent, so an oversized one fails the batch
    /// without a partial write.
    public func publish(_ events: [Outgoing]) async throws -> [String] {
        let commands = try events.map { event in xadd(stream: event.envelope.topic.streamKey, fields: try fields(of: event)) }
        try await register(events.map(\.envelope.topic.streamKey))
        return try await send(commands)
    }

    /// Publishes one catalog event unless `key` exists, and sets `key` for `lifetime`, in one atomic step:
    /// of several deliveries of one fact (a webhook retried), the first publishes and the rest find the
    /// key. Answers whether this call published. The key and the stream must live on one Redis node.
    public func publish<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String, correlationID: String, onceFor key: String, remembering lifetime: Duration
    ) async throws -> Bool {
        try await add(Outgoing(envelope: try envelope(detail, source: source, id: id), correlationID: correlationID),
                      onceFor: key, remembering: lifetime)
    }

    private func add(_ event: Outgoing, onceFor key: String, remembering lifetime: Duration) async throws -> Bool {
        try await register([event.envelope.topic.streamKey])
        var command = RedisCommand("EVAL", Self.publishOnce, "2", event.envelope.topic.streamKey, key,
                                   String(max(lifetime.components.seconds, 1)))
        for (name, value) in try fields(of: event).sorted(by: { $0.key < $1.key }) {
            command.append(name)
            command.append(bytes: value)
        }
        let reply = try await redis.send(command)
        if case .error(let message) = reply { throw RedisError.server(command: "EVAL", message: message) }
        return reply != .null
    }

    /// KEYS: stream, key. ARGV: key lifetime in seconds, then the entry's fields and values.
    static let publishOnce = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return false end
        local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
        redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
        return id
        """

    /// The envelope, the correlation id, and the trace context the event is published in.
    private func fields(of event: Outgoing) throws -> [String: [UInt8]] {
        var fields = [StreamEntry.envelopeField: try event.envelope.encoded(), StreamEntry.correlationField: Array(event.correlationID.utf8)]
        if let traceParent = event.traceParent {
            fields[TraceFields.names[0]] = Array(traceParent.utf8)
        } else {
            traceFields.inject(into: &fields)
        }
        return fields
    }

    /// Adds raw stream fields again, as redrive and replay do with a group named in `only_group`: each copy
    /// joins the current trace and keeps its original's as the link to follow.
    func republish(_ entries: [(stream: String, fields: [String: String])]) async throws -> [String] {
        try await register(entries.map(\.stream))
        return try await send(entries.map { entry in xadd(stream: entry.stream, fields: traceFields.copy(entry.fields)) })
    }

    /// Adds the streams this process has not published to before to `TopicRegistry`, so that a rule selecting
    /// topics by prefix finds a new one at once; then this process's trimmer looks after them.
    private func register(_ names: [String]) async throws {
        let new = streams.unknown(names)
        guard !new.isEmpty else { return }
        try await TopicRegistry.add(new, redis: redis)
        streams.insert(new)
    }

    private func send(_ commands: [RedisCommand]) async throws -> [String] {
        let replies = try await redis.pipeline(commands)
        return try zip(commands, replies).map { command, reply in
            if case .error(let message) = reply { throw RedisError.server(command: command.name, message: message) }
            guard let id = reply.string else {
                throw RedisError.unexpectedReply(command: command.name, reply: "\(reply)")
            }
            return id
        }
    }

    private func xadd(stream: String, fields: [String: [UInt8]]) -> RedisCommand {
        var command = RedisCommand("XADD", stream, "*")
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            command.append(name)
            command.append(bytes: value)
        }
        return command
    }
}

/// The set of stream names a publisher has added to; shared by its copies.
private final class PublishedStreams: Sendable {
    let names = Mutex<Set<String>>([])

    func insert(_ streams: [String]) {
        names.withLock { $0.formUnion(streams) }
    }

    /// Those of `streams` not added to yet.
    func unknown(_ streams: [String]) -> [String] {
        let unknown = names.withLock { names in streams.filter { !names.contains($0) } }
        return unknown.isEmpty ? [] : Array(Set(unknown))
    }
}
