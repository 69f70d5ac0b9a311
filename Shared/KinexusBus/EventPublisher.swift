import Foundation
import KinexusEvents
import KinexusJSON
import KinexusRedis

/// Publishes envelopes to their topic streams: one XADD each, with approximate trimming, pipelined.
public struct EventPublisher: Sendable {
    /// An event with the correlation id that travels beside it.
    public struct Outgoing: Sendable {
        public var envelope: EventEnvelope
        public var correlationID: String

        public init(envelope: EventEnvelope, correlationID: String? = nil) {
            self.envelope = envelope
            self.correlationID = correlationID ?? EventID.random()
        }
    }

    let redis: RedisClient
    public let account: String
    public let region: String
    let streamMaxLength: Int

    public init(redis: RedisClient, account: String, region: String, streamMaxLength: Int) {
        self.redis = redis
        self.account = account
        self.region = region
        self.streamMaxLength = streamMaxLength
    }

    public init(redis: RedisClient, configuration: BusConfiguration) {
        self.init(redis: redis, account: configuration.account, region: configuration.region,
                  streamMaxLength: configuration.streamMaxLength)
    }

    /// The envelope for a catalog detail, stamped with this deployment's account and region.
    /// Pass `id` when a retry upstream can repeat the same fact, so consumers collapse the repeats.
    public func envelope<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String? = nil, resources: [String] = []
    ) throws -> EventEnvelope {
        EventEnvelope(
            id: id ?? EventID.random(), detailType: Detail.detailType, source: source.rawValue,
            account: account, region: region, resources: resources, detail: try JSONValue(encoding: detail))
    }

    /// Publishes one catalog event and returns its envelope.
    @discardableResult
    public func publish<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String? = nil, correlationID: String? = nil
    ) async throws -> EventEnvelope {
        let outgoing = Outgoing(envelope: try envelope(detail, source: source, id: id), correlationID: correlationID)
        _ = try await publish([outgoing])
        return outgoing.envelope
    }

    /// Publishes many events in one round trip and returns their stream entry ids, in order.
    /// Every event is checked before any is sent, so an oversized one fails the batch without a partial write.
    public func publish(_ events: [Outgoing]) async throws -> [String] {
        try await send(try events.map { event in xadd(stream: event.envelope.topic.streamKey, fields: try fields(of: event)) })
    }

    /// Publishes one catalog event unless `key` exists, and sets `key` for `lifetime`, in one atomic step:
    /// of several deliveries of one fact (a webhook retried), the first publishes and the rest find the
    /// key. Answers whether this call published. The key and the stream must live on one Redis node.
    public func publish<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String, correlationID: String, onceFor key: String, remembering lifetime: Duration
    ) async throws -> Bool {
        let event = Outgoing(envelope: try envelope(detail, source: source, id: id), correlationID: correlationID)
        var command = RedisCommand("EVAL", Self.publishOnce, "2", event.envelope.topic.streamKey, key, String(streamMaxLength),
                                   String(max(lifetime.components.seconds, 1)))
        for (name, value) in try fields(of: event).sorted(by: { $0.key < $1.key }) {
            command.append(name)
            command.append(bytes: value)
        }
        let reply = try await redis.send(command)
        if case .error(let message) = reply { throw RedisError.server(command: "EVAL", message: message) }
        return reply != .null
    }

    /// KEYS: stream, key. ARGV: max length, key lifetime in seconds, then the entry's fields and values.
    static let publishOnce = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return false end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
        redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
        return id
        """

    private func fields(of event: Outgoing) throws -> [String: [UInt8]] {
        [StreamEntry.envelopeField: try event.envelope.encoded(), StreamEntry.correlationField: Array(event.correlationID.utf8)]
    }

    /// Adds raw stream fields again, as redrive and replay do with a group named in `only_group`.
    func republish(_ entries: [(stream: String, fields: [String: String])]) async throws -> [String] {
        try await send(entries.map { entry in
            xadd(stream: entry.stream, fields: entry.fields.mapValues { Array($0.utf8) })
        })
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
        var command = RedisCommand("XADD", stream, "MAXLEN", "~", String(streamMaxLength), "*")
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            command.append(name)
            command.append(bytes: value)
        }
        return command
    }
}
