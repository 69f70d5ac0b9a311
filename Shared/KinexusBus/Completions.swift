import KinexusRedis
import Logging
import Synchronization

/// Acks of finished deliveries, written in batches: one pipeline with, per stream, one script that acks
/// every id finished since the last write and removes their deliveries' markers. An entry frees its slot
/// when its ack is queued, but stays taken, its lease extended, until the ack is written: until then it is
/// pending in Redis, and a retry scan that found it free would run its handler again once the marker expired.
final class Completions: Sendable {
    struct Completion: Sendable {
        let stream: String
        let entryID: String
        /// The delivery's marker and token, removed with the ack; nil for an ack alone (filtered, foreign).
        let marker: (key: String, token: String)?
        /// The handler's lease, ended once the ack is written; nil when no handler ran.
        let lease: Int?

        init(stream: String, entryID: String, marker: (key: String, token: String)? = nil, lease: Int? = nil) {
            self.stream = stream
            self.entryID = entryID
            self.marker = marker
            self.lease = lease
        }
    }

    /// Entries per script: each id is an argument, and Lua's `unpack` takes some thousands at most.
    static let scriptBatch = 500

    private let pending = Mutex<(items: [Completion], finished: Bool)>(([], false))
    private let signal: AsyncStream<Void>.Continuation
    private let signals: AsyncStream<Void>
    private let redis: RedisClient
    private let group: String
    private let inFlight: InFlightDeliveries
    private let logger: Logger

    init(redis: RedisClient, group: String, inFlight: InFlightDeliveries, logger: Logger) {
        self.redis = redis
        self.group = group
        self.inFlight = inFlight
        self.logger = logger
        (signals, signal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func add(_ completion: Completion) {
        inFlight.ackQueued(.init(stream: completion.stream, entryID: completion.entryID))
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
                for completion in batch {
                    if let lease = completion.lease { inFlight.end(lease) }
                    inFlight.acked(.init(stream: completion.stream, entryID: completion.entryID))
                }
            }
            if finished && pending.withLock({ $0.items.isEmpty }) { return }
        }
    }

    private func write(_ batch: [Completion]) async {
        var commands: [RedisCommand] = []
        for (stream, items) in Dictionary(grouping: batch, by: \.stream) {
            for start in stride(from: 0, to: items.count, by: Self.scriptBatch) {
                let chunk = items[start..<min(start + Self.scriptBatch, items.count)]
                let markers = chunk.compactMap(\.marker)
                commands.append(DeliveryScripts.command(
                    DeliveryScripts.complete, keys: [stream] + markers.map(\.key),
                    arguments: [group, String(chunk.count)] + chunk.map(\.entryID) + markers.map(\.token)))
            }
        }
        var delay = Duration.milliseconds(50)
        while true {
            do {
                // A script Redis refuses would be refused again: it is logged, never retried, so that no later ack
                // waits behind it (its entries stay pending and come back).
                for case .error(let message) in try await redis.pipeline(commands) {
                    logger.error("Redis refused an ack", metadata: ["error": "\(message)", "count": "\(batch.count)"])
                }
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
