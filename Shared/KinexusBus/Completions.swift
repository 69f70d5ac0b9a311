import KinexusRedis
import Logging
import Synchronization

/// Acks and done-markers of finished deliveries, written in batches: one pipeline with one XACK per
/// stream for every id finished since the last write.
final class Completions: Sendable {
    struct Completion: Sendable {
        let stream: String
        let entryID: String
        /// Set to `done` when the handler succeeded; nil for an ack alone (filtered, duplicate, foreign).
        let marker: String?
    }

    private let pending = Mutex<(items: [Completion], finished: Bool)>(([], false))
    private let signal: AsyncStream<Void>.Continuation
    private let signals: AsyncStream<Void>
    private let redis: RedisClient
    private let group: String
    private let doneMarkerTTL: Duration
    private let logger: Logger

    init(redis: RedisClient, group: String, doneMarkerTTL: Duration, logger: Logger) {
        self.redis = redis
        self.group = group
        self.doneMarkerTTL = doneMarkerTTL
        self.logger = logger
        (signals, signal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func add(_ completion: Completion) {
        pending.withLock { $0.items.append(completion) }
        signal.yield()
    }

    /// Ends `run` once everything added so far is written.
    func finish() {
        pending.withLock { $0.finished = true }
        signal.yield()
    }

    func run() async {
        for await _ in signals {
            let (batch, finished) = pending.withLock { state in
                defer { state.items.removeAll(keepingCapacity: true) }
                return (state.items, state.finished)
            }
            if !batch.isEmpty {
                await write(batch)
            }
            if finished && pending.withLock({ $0.items.isEmpty }) { return }
        }
    }

    private func write(_ batch: [Completion]) async {
        var commands: [RedisCommand] = []
        let ttl = String(doneMarkerTTL.milliseconds)
        for completion in batch {
            if let marker = completion.marker {
                commands.append(RedisCommand("SET", marker, "done", "PX", ttl))
            }
        }
        for (stream, items) in Dictionary(grouping: batch, by: \.stream) {
            commands.append(RedisCommand(["XACK", stream, group] + items.map(\.entryID)))
        }
        var delay = Duration.milliseconds(50)
        while true {
            do {
                _ = try await redis.pipeline(commands)
                return
            } catch {
                // Unacked entries stay pending and would be redelivered; keep trying while Redis is away.
                logger.warning("cannot write acks, retrying", metadata: ["error": "\(error)", "count": "\(batch.count)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
                if Task.isCancelled { return }
            }
        }
    }
}
