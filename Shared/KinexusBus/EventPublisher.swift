import Foundation
import KinexusEvents
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

    /// Publishes one catalog event and returns its envelope. `then` runs in the same round trip, after the
    /// event: state that must change only once the event is out, such as a webhook delivery remembered.
    @discardableResult
    public func publish<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String? = nil, correlationID: String? = nil, then: [RedisCommand] = []
    ) async throws -> EventEnvelope {
        let outgoing = Outgoing(envelope: try envelope(detail, source: source, id: id), correlationID: correlationID)
        _ = try await publish([outgoing], then: then)
        return outgoing.envelope
    }

    /// Publishes many events in one round trip and returns their stream entry ids, in order.
    /// Every event is checked before any is sent, so an oversized one fails the batch without a partial write.
    public func publish(_ events: [Outgoing], then commands: [RedisCommand] = []) async throws -> [String] {
        let additions = try events.map { event in
            try xadd(stream: event.envelope.topic.streamKey, fields: [
                StreamEntry.envelopeField: event.envelope.encoded(),
                StreamEntry.correlationField: Array(event.correlationID.utf8),
            ])
        }
        return try await send(additions, then: commands)
    }

    /// Adds raw stream fields again, as redrive and replay do with a group named in `only_group`.
    func republish(_ entries: [(stream: String, fields: [String: String])]) async throws -> [String] {
        try await send(entries.map { entry in
            xadd(stream: entry.stream, fields: entry.fields.mapValues { Array($0.utf8) })
        })
    }

    private func send(_ additions: [RedisCommand], then commands: [RedisCommand] = []) async throws -> [String] {
        let replies = try await redis.pipeline(additions + commands)
        for (command, reply) in zip(additions + commands, replies) {
            if case .error(let message) = reply { throw RedisError.server(command: command.name, message: message) }
        }
        return try zip(additions, replies).map { command, reply in
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
