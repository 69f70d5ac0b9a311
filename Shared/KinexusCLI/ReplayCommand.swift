import ArgumentParser
import Foundation
import KinexusBus
import KinexusEvents

/// Replays a time range of one topic to one group: its handlers run again; other groups are untouched.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Replay a topic's events in a time range to one group.")

    @Option(help: "The consumer group (the service's name).") var group: String
    @Option(help: "The topic: a stream key or source:detail-type.") var topic: String
    @Option(help: "From this time (ISO-8601, or --from=-15m, -2h, -1d).") var from: String
    @Option(help: "Up to this time; the stream's end when omitted.") var to: String?

    func run() async throws {
        guard let stream = Topic(streamKey: topic)?.streamKey else {
            throw CommandFailure("'\(topic)' is not a topic: use kinexus:ev:SOURCE:DETAIL-TYPE or SOURCE:DETAIL-TYPE")
        }
        let (start, end) = (try parseTime(from), try to.map { try parseTime($0) })
        if let end, end < start { throw CommandFailure("--to is before --from") }
        let redis = try CommandEnvironment.redis()
        let publisher = EventPublisher(redis: redis, account: CommandEnvironment.account, region: CommandEnvironment.region)
        do {
            let count = try await BusAdmin(redis: redis).replay(group: group, stream: stream, from: start, to: end,
                                                                publisher: publisher)
            try emitJSON(["replayed": count])
        } catch let error as BusError {
            await redis.shutdown()
            throw CommandFailure("\(error)")
        }
        await redis.shutdown()
    }
}
