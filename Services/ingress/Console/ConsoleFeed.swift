import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging
import ServiceLifecycle
import Synchronization

/// The console's live updates: every replica of the ingress reads the facts the console shows straight
/// from their streams (`XREAD`, no group: each replica sees all of them) and hands what changed to each
/// open event stream. Only topic names travel: a page that follows one fetches itself again, as its user.
public final class ConsoleFeed: Service, Sendable {
    let redis: RedisClient
    let logger: Logger
    private let subscribers = Mutex<[UUID: AsyncStream<[String]>.Continuation]>([:])
    static let heartbeat = Duration.seconds(15)

    /// The feed's own connection: its blocking read holds one for up to two seconds at a time.
    public init(redis configuration: RedisConfiguration, logger: Logger) {
        var configuration = configuration
        configuration.maxConnections = 1
        redis = RedisClient(configuration: configuration, logger: logger)
        self.logger = logger
    }

    /// The topics changed from now on (an empty list every 15 s), until the stream is dropped or the service stops.
    func subscribe() -> AsyncStream<[String]> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: [String].self, bufferingPolicy: .bufferingNewest(100))
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    /// Every stream a followed fact can be on, from any source: one that does not exist yet is read from its
    /// first entry once it does, with no scan for new streams.
    static let streams = FeedTopics.detailTypes.sorted().flatMap { detailType in
        EventSource.allCases.map { Topic(source: $0.rawValue, detailType: detailType).streamKey }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let now = "\(Date().millisecondsSince1970)-0"
            var cursors = Dictionary(uniqueKeysWithValues: Self.streams.map { ($0, now) })
            var beat = ContinuousClock.now
            while !Task.isCancelled {
                do {
                    try await self.read(&cursors)
                    // An empty list is a heartbeat: each stream checks its user may still see it, and proxies see traffic.
                    if ContinuousClock.now - beat > Self.heartbeat {
                        self.subscribers.withLock { $0.values.forEach { $0.yield([]) } }
                        beat = .now
                    }
                } catch is CancellationError {
                    break
                } catch {
                    self.logger.warning("the console's live updates cannot read the bus; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        // Open event streams end, so that the HTTP server's graceful shutdown does not wait for them.
        // Finished outside the lock: finishing calls the stream's termination handler, which takes it.
        let open = subscribers.withLock { subscribers in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        open.forEach { $0.finish() }
        await redis.shutdown()
    }

    private func read(_ cursors: inout [String: String]) async throws {
        let streams = Self.streams
        let reply = try await redis.send(RedisCommand(
            ["XREAD", "COUNT", "100", "BLOCK", "2000", "STREAMS"] + streams + streams.map { cursors[$0] ?? "$" }))
        for entry in StreamEntry.parseRead(reply) {
            cursors[entry.stream] = entry.id
            guard let envelope = try? entry.envelope() else { continue }
            let topics = FeedTopics.topics(detailType: envelope.detailType, detail: envelope.detail)
            guard !topics.isEmpty else { continue }
            subscribers.withLock { $0.values.forEach { $0.yield(topics) } }
        }
    }
}
