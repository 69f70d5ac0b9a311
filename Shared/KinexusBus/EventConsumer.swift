import Foundation
import KinexusRedis
import Logging
import ServiceLifecycle

/// All subscriptions of one service replica, as one long-running `Service`: graceful shutdown stops the
/// reads, lets in-flight handlers finish within the grace period and leaves the rest pending.
public final class EventConsumer: Service {
    public let configuration: BusConfiguration
    private let redis: RedisClient
    private let workers: [SubscriptionWorker]
    private let logger: Logger
    private let metrics: BusMetrics

    public init(
        redis: RedisClient, configuration: BusConfiguration, subscriptions: [Subscription],
        logger: Logger = Logger(label: "kinexus.bus")
    ) throws(BusError) {
        var seen: Set<String> = []
        for topic in subscriptions.flatMap(\.topics) {
            guard seen.insert(topic.streamKey).inserted else {
                throw BusError.overlappingSubscriptions(topic: topic.streamKey)
            }
        }
        var logger = logger
        logger[metadataKey: "group"] = "\(configuration.group)"
        logger[metadataKey: "consumer"] = "\(configuration.consumer)"
        self.configuration = configuration
        self.redis = redis
        self.logger = logger
        let metrics = BusMetrics(group: configuration.group)
        self.metrics = metrics
        workers = subscriptions.map {
            SubscriptionWorker(subscription: $0, configuration: configuration, redis: redis, logger: logger, metrics: metrics)
        }
    }

    public var streams: [String] { workers.flatMap(\.streams) }

    public func run() async throws {
        try await prepare()
        logger.info("consuming", metadata: ["streams": "\(streams.joined(separator: ","))"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.maintain() }
                await withDiscardingTaskGroup { running in
                    for worker in workers {
                        running.addTask { await worker.run() }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.logger.info("shutting down: no new reads, finishing in-flight handlers")
            self.stop()
        }
        logger.info("consumer stopped")
    }

    /// Stops reading, as a graceful shutdown does: `run` returns once in-flight handlers have finished (or the
    /// grace period is over, their entries left pending).
    public func stop() {
        for worker in workers { worker.stop() }
    }

    /// Creates the consumer group on every stream, waiting for Redis if it is not up yet. `run` does it
    /// too; calling it first makes sure that events published from then on reach this group.
    public func prepare() async throws {
        var delay = Duration.milliseconds(200)
        while true {
            do {
                for worker in workers {
                    try await worker.createGroups()
                }
                return
            } catch let error as RedisError {
                guard case .connection = error else { throw error }
                logger.warning("Redis unavailable, retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// The pending count of every stream, as Redis has it now: `/metrics` reads it when scraped.
    public func refreshPendingCounts() async throws {
        let summaries = try await redis.pipeline(streams.map { RedisCommand("XPENDING", $0, configuration.group) })
        for (stream, summary) in zip(streams, summaries) {
            metrics.recordPending(Int(summary.array?.first?.integer ?? 0), stream: stream)
        }
    }

    /// Every so often: publishes the pending count per stream and removes consumers long gone with
    /// nothing pending.
    private func maintain() async {
        let interval = min(configuration.consumerExpiry / 2, .seconds(15))
        while !Task.isCancelled {
            do {
                try await maintainOnce()
            } catch {
                logger.warning("group maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    func maintainOnce() async throws {
        let expiry = configuration.consumerExpiry.milliseconds
        try await refreshPendingCounts()
        for stream in streams {
            let consumers = try await redis.send("XINFO", "CONSUMERS", stream, configuration.group)
            for consumer in (consumers.array ?? []).map(RedisValue.fields) {
                guard let name = consumer["name"]?.string, name != configuration.consumer,
                      consumer["pending"]?.integer == 0, let idle = consumer["idle"]?.integer, idle > expiry
                else { continue }
                try await redis.send("XGROUP", "DELCONSUMER", stream, configuration.group, name)
                logger.info("removed a consumer long gone", metadata: ["stream": "\(stream)", "removed": "\(name)"])
            }
        }
    }
}
