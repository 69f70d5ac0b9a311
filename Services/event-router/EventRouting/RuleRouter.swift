import EventBridgeRules
import EventPatterns
import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging
import OutboundHTTP
import RuleQueries
import ServiceLifecycle

/// Runs a consumer group per enabled rule's target, `rule.<rule>.<target>`, on the bus like every service's:
/// at least once, retried with the target's policy, dead-lettered into `kinexus:dlq:rule.<rule>.<target>`. It
/// polls the rules' revision every second and starts, restarts or stops consumers to match; a rule whose pattern
/// names no exact sources and detail-types reads every topic it may match, as `TopicRegistry` has them each second. A group
/// starts where its target began receiving events, so nothing published meanwhile is missed, and the groups of
/// targets that are gone are removed, so streams are trimmed.
public final class RuleRouter: Service {
    static let pollInterval = Duration.seconds(1)
    static let groupPrefix = "rule."

    let queries: RuleQueries
    let redis: RedisClient
    let bus: BusConfiguration
    let makeDelivery: @Sendable (RoutingTable.Route) -> TargetDelivery
    let log: DeliveryLog
    let logger: Logger

    init(queries: RuleQueries, redis: RedisClient, bus: BusConfiguration, log: DeliveryLog, logger: Logger,
         makeDelivery: @escaping @Sendable (RoutingTable.Route) -> TargetDelivery) {
        self.queries = queries
        self.redis = redis
        self.bus = bus
        self.log = log
        self.logger = logger
        self.makeDelivery = makeDelivery
    }

    public static func group(rule: String, target: String) -> String { "\(groupPrefix)\(rule).\(target)" }

    /// A consumer and what it was made from: a change to any of it starts the consumer anew.
    struct Running {
        let consumer: EventConsumer
        let fingerprint: String
    }

    public func run() async throws {
        var running: [String: Running] = [:]
        var table: RoutingTable?
        var seenTopics: [Topic] = []
        var backfilled = false
        var nextPrune = ContinuousClock.now
        var nextFailureLog = ContinuousClock.now
        await withDiscardingTaskGroup { consumers in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    if !backfilled {
                        try await TopicRegistry.backfill(redis: redis)
                        backfilled = true
                    }
                    let revision = try await queries.revision()
                    let current: RoutingTable
                    if let table, table.revision == revision {
                        current = table
                    } else {
                        current = try await queries.routingTable()
                    }
                    let topics = Self.choosesTopics(current) ? try await TopicRegistry.all(redis: redis).compactMap(Topic.init(streamKey:)) : []
                    if current.revision != table?.revision || topics != seenTopics {
                        running = reconcile(running, with: current, topics: topics, in: &consumers)
                        if current.revision != table?.revision {
                            try await removeAbandonedGroups(keeping: Set(running.keys), revision: current.revision)
                        }
                        table = current
                        seenTopics = topics
                    }
                    if ContinuousClock.now >= nextPrune {
                        try await log.prune(olderThan: bus.streamRetention)
                        nextPrune = ContinuousClock.now + .seconds(600)
                    }
                    nextFailureLog = ContinuousClock.now
                } catch {
                    // Said once a minute while it lasts: before the ingress has made the rules' tables, every poll fails.
                    if ContinuousClock.now >= nextFailureLog {
                        logger.warning("cannot read the rules; the consumers stay as they are", metadata: ["error": "\(error)"])
                        nextFailureLog = ContinuousClock.now + .seconds(60)
                    }
                }
                try? await Task.sleep(for: Self.pollInterval)
            }
            for consumer in running.values { consumer.consumer.stop() }
        }
    }

    /// Whether some rule names no exact topics, so the topics that exist are chosen for it.
    static func choosesTopics(_ table: RoutingTable) -> Bool {
        table.routes.contains { route in (try? EventPattern(parsing: route.rule.eventPattern)).flatMap(exactTopics) == nil }
    }

    static func exactTopics(_ pattern: EventPattern) -> [Topic]? {
        guard let sources = pattern.exactValues(of: "source"), let detailTypes = pattern.exactValues(of: "detail-type") else { return nil }
        return sources.flatMap { source in detailTypes.map { Topic(source: source, detailType: $0) } }
    }

    private func reconcile(_ running: [String: Running], with table: RoutingTable, topics: [Topic], in consumers: inout DiscardingTaskGroup)
        -> [String: Running]
    {
        var next: [String: Running] = [:]
        for route in table.routes {
            let group = Self.group(rule: route.rule.name, target: route.target.id)
            guard let pattern = try? EventPattern(parsing: route.rule.eventPattern) else { continue }
            let routeTopics = Self.exactTopics(pattern) ?? topics.filter(pattern.mayMatch)
            let fingerprint = Self.fingerprint(route, topics: routeTopics)
            if let current = running[group], current.fingerprint == fingerprint {
                next[group] = current
                continue
            }
            running[group]?.consumer.stop()
            guard !routeTopics.isEmpty else { continue }
            var configuration = bus
            configuration.group = group
            configuration.maxAttempts = route.target.maximumRetryAttempts + 1
            configuration.groupStart = Int64(exactly: (route.since.timeIntervalSince1970 * 1000).rounded(.down)).map { "\($0)-0" } ?? "$"
            let delivery = makeDelivery(route)
            let subscription = Subscription(pattern: pattern, topics: routeTopics, concurrency: 16) { event, context in
                try await delivery.deliver(event, context: context)
            }
            do {
                let consumer = try EventConsumer(redis: redis, configuration: configuration, subscriptions: [subscription], logger: logger)
                consumers.addTask {
                    do {
                        try await consumer.run()
                    } catch {
                        self.logger.error("a rule's consumer failed", metadata: ["group": "\(group)", "error": "\(error)"])
                    }
                }
                next[group] = Running(consumer: consumer, fingerprint: fingerprint)
                logger.info("delivering a rule's events", metadata: [
                    "group": "\(group)", "topics": "\(routeTopics.map(\.streamKey).joined(separator: ","))",
                    "destination": "\(route.target.destinationName)",
                ])
            } catch {
                logger.error("cannot consume for a rule", metadata: ["group": "\(group)", "error": "\(error)"])
            }
        }
        for (group, current) in running where next[group] == nil {
            current.consumer.stop()
            logger.info("stopped delivering a rule's events", metadata: ["group": "\(group)"])
        }
        return next
    }

    static func fingerprint(_ route: RoutingTable.Route, topics: [Topic]) -> String {
        [
            route.rule.eventPattern, route.target.json.jsonText, "\(route.since.timeIntervalSince1970)",
            route.destination.map { "\($0.id) \($0.endpoint) \($0.method) \($0.rateLimitPerSecond ?? 0) \($0.updatedAt.timeIntervalSince1970)" } ?? "-",
            route.connection.map { "\($0.id) \($0.definition.stored.jsonText)" } ?? "-",
            topics.map(\.streamKey).sorted().joined(separator: ","),
        ].joined(separator: "\n")
    }

    /// Destroys the `rule.…` groups no target has any more, unless the rules changed meanwhile (another replica
    /// may already have made a group this one does not know yet).
    private func removeAbandonedGroups(keeping groups: Set<String>, revision: Int64) async throws {
        let stats = try await BusAdmin(redis: redis).stats()
        let abandoned = stats.filter { $0.group.hasPrefix(Self.groupPrefix) && !groups.contains($0.group) }
        guard !abandoned.isEmpty, try await queries.revision() == revision else { return }
        for stat in abandoned {
            _ = try await redis.send("XGROUP", "DESTROY", stat.stream, stat.group)
            logger.info("removed the group of a target that is gone", metadata: ["group": "\(stat.group)", "stream": "\(stat.stream)"])
        }
    }
}
