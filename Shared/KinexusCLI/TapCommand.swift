import ArgumentParser
import EventPatterns
import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis

/// Prints the envelopes published to topics as JSON lines, live, without joining any consumer group.
struct TapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tap", abstract: "Print events on topics as JSON lines until interrupted.",
        discussion: "A topic is a stream key (kinexus:ev:kinexus.jira:ChangeDetected) or source:detail-type.")

    @Argument(help: "Topics to read.") var topics: [String] = []
    @Flag(help: "Read every topic, including ones created while tapping.") var all = false
    @Option(help: "Print only events this EventBridge pattern matches; its exact source and detail-type name the topics when none are given.")
    var pattern: String?
    @Option(help: "Start at this time (ISO-8601, or --from=-15m, -2h, -1d) instead of now.") var from: String?
    @Option(help: "Stop after this many events.") var count: Int?

    func run() async throws {
        let filter: EventPattern? = try pattern.map { text in
            do { return try EventPattern(parsing: text) } catch { throw CommandFailure("\(error)") }
        }
        let named = try topics.map { text -> String in
            guard let topic = Topic(streamKey: text) else {
                throw CommandFailure("'\(text)' is not a topic: use kinexus:ev:SOURCE:DETAIL-TYPE or SOURCE:DETAIL-TYPE")
            }
            return topic.streamKey
        }
        let fromPattern = filter.flatMap { pattern -> [String]? in
            guard let sources = pattern.exactValues(of: "source"), let types = pattern.exactValues(of: "detail-type")
            else { return nil }
            return sources.flatMap { source in types.map { Topic(source: source, detailType: $0).streamKey } }
        } ?? []
        guard all || !named.isEmpty || !fromPattern.isEmpty else {
            throw CommandFailure("name topics, use --all, or give a --pattern with exact source and detail-type values")
        }
        let start = try from.map { try parseTime($0) }
        let redis = try CommandEnvironment.redis()
        let admin = BusAdmin(redis: redis)
        var cursors: [String: String] = [:]
        func follow(_ streams: [String], startingAt fallback: String?) async throws {
            for stream in streams where cursors[stream] == nil {
                cursors[stream] = try await startID(stream, redis: redis, from: start, fallback: fallback)
            }
        }
        try await follow(named.isEmpty && !all ? fromPattern : named, startingAt: nil)
        if all { try await follow(try await admin.topicStreams(), startingAt: nil) }
        var printed = 0, lastDiscovery = ContinuousClock.now
        while count.map({ printed < $0 }) ?? true {
            if all, ContinuousClock.now - lastDiscovery > .seconds(2) {
                // A topic created while tapping is read from its first entry.
                try await follow(try await admin.topicStreams(), startingAt: "0-0")
                lastDiscovery = .now
            }
            guard !cursors.isEmpty else {
                try await Task.sleep(for: .milliseconds(500))
                continue
            }
            let streams = cursors.keys.sorted()
            let reply = try await redis.send(RedisCommand(
                ["XREAD", "COUNT", "100", "BLOCK", "1000", "STREAMS"] + streams + streams.map { cursors[$0]! }))
            for entry in StreamEntry.parseRead(reply) {
                cursors[entry.stream] = entry.id
                guard let text = entry.fields?[StreamEntry.envelopeField], count.map({ printed < $0 }) ?? true else { continue }
                if let filter {
                    guard let envelope = try? entry.envelope(), filter.matches(envelope) else { continue }
                }
                emit(text)
                printed += 1
            }
        }
        await redis.shutdown()
    }

    /// The id after which to read: just before `from`, or the stream's current end.
    private func startID(_ stream: String, redis: RedisClient, from: Date?, fallback: String?) async throws -> String {
        if let from {
            return "\(max(0, from.millisecondsSince1970 - 1))-\(Int64.max)"
        }
        if let fallback { return fallback }
        let last = try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "1")
        return StreamEntry.parseEntries(last, stream: stream).first?.id ?? "0-0"
    }
}
