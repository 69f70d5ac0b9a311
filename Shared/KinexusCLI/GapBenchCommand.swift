import ArgumentParser
import CustomerContexts
import Foundation
import KinexusBus
import KinexusEvents
import KinexusPostgres
import KinexusRedis
import KnowledgeBase
import Logging
import PostgresNIO
import ServiceLifecycle

/// Measures the ticket → knowledge-gap decision: customer-context, composed as its `main` composes it, handles
/// tickets the knowledge base cannot answer (synthetic words), each timed from its TicketReceived entry to its
/// TicketContextReady entry (both ids are Redis's clock). The baseline is the same handling among the first
/// few gaps, measured in the same run; the figure, the same once `--gaps` gaps are open.
struct GapBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-gaps", abstract: "Benchmark placing unanswered tickets among few and among many knowledge gaps.",
        discussion: "Uses KINEXUS_POSTGRES_URL and KINEXUS_REDIS_URL: scratch servers, as deploy/local.sh bench starts them.")

    @Option(help: "Open gaps at which the figure is measured.") var gaps = 10_000
    @Option(help: "Tickets timed one at a time at each measurement.") var samples = 200

    static let received = Topic(source: EventSource.support.rawValue, detailType: TicketReceived.detailType).streamKey
    static let ready = Topic(source: EventSource.support.rawValue, detailType: TicketContextReady.detailType).streamKey

    func run() async throws {
        var logger = Logger(label: "kinexus.bench")
        logger.logLevel = .warning
        let environment = ProcessInfo.processInfo.environment
        let redis = try CommandEnvironment.redis()
        let postgres = try CommandEnvironment.postgres(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger).run(try KnowledgeSync.migrations() + CustomerContextService.migrations())
            let service = try CustomerContextService(postgres: postgres, redis: redis, environment: environment, logger: logger)
            let consumer = try EventConsumer(redis: redis, configuration: BusConfiguration(group: "bench-gaps-\(UUID().uuidString.prefix(8))"),
                                             subscriptions: try service.subscriptions(), logger: logger)
            try await consumer.prepare()
            let services = ServiceGroup(configuration: .init(services: [.init(service: consumer)], gracefulShutdownSignals: [], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { consuming in
                consuming.addTask { try await services.run() }
                try await measure(redis: redis, postgres: postgres, logger: logger)
                await services.triggerGracefulShutdown()
                try await consuming.waitForAll()
            }
            try await redis.send("DEL", Self.received, Self.ready)
            tasks.cancelAll()
        }
        await redis.shutdown()
    }

    private func measure(redis: RedisClient, postgres: PostgresClient, logger: Logger) async throws {
        let publisher = EventPublisher(redis: redis, account: CommandEnvironment.account, region: CommandEnvironment.region)
        var text = SyntheticText(seed: 7)
        var handled = try await readyCount(redis)
        // Words drawn evenly from the 5,000, not by Zipf's law: tickets that share common words would mostly join
        // a few gaps, and the gaps would never reach their count.
        func words(_ count: Int) -> String {
            (0..<count).map { _ in text.evenWord() }.joined(separator: " ")
        }
        func ticket() -> TicketReceived {
            TicketReceived(ticketID: "bench-gap-\(UUID().uuidString.lowercased())", customerExternalID: "bench-\(words(1))",
                           subject: words(3), description: words(6), channel: "email", priority: "medium", createdAt: "2026-12-06T09:00:00Z")
        }
        /// One ticket at a time, each handled before the next: the handling alone, never a queue.
        func timed() async throws -> [Double] {
            var ids: [String] = []
            for _ in 0..<samples {
                let sent = ticket()
                try await publisher.publish(sent, source: .support)
                ids.append(sent.ticketID)
                handled += 1
                try await untilHandled(handled, redis)
            }
            return try await latencies(of: Set(ids), redis)
        }
        emit("# kinexus bench-gaps: unanswered tickets of 9 synthetic words, one at a time, TicketReceived → TicketContextReady")
        let few = try await timed()
        let fewGaps = try await openGaps(postgres, logger: logger)
        while try await openGaps(postgres, logger: logger) < gaps {
            for _ in 0..<200 { try await publisher.publish(ticket(), source: .support) }
            handled += 200
            try await untilHandled(handled, redis)
        }
        let many = try await timed()
        let manyGaps = try await openGaps(postgres, logger: logger)
        let (fewP50, fewP99) = Self.percentiles(few), (manyP50, manyP99) = Self.percentiles(many)
        emit(String(format: "baseline, among %d gaps: p50 %.0f ms, p99 %.0f ms (%d tickets)", fewGaps, fewP50, fewP99, few.count))
        emit(String(format: "among %d gaps: p50 %.0f ms, p99 %.0f ms (%d tickets) | ratio p50 %.2f, p99 %.2f",
                    manyGaps, manyP50, manyP99, many.count, manyP50 / max(fewP50, 1), manyP99 / max(fewP99, 1)))
    }

    private func readyCount(_ redis: RedisClient) async throws -> Int {
        Int(try await redis.send("XLEN", Self.ready).integer ?? 0)
    }

    private func untilHandled(_ count: Int, _ redis: RedisClient) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while try await readyCount(redis) < count {
            guard ContinuousClock.now < deadline else { throw CommandFailure("customer-context stopped handling tickets") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    private func openGaps(_ postgres: PostgresClient, logger: Logger) async throws -> Int {
        for try await count in try await postgres.tracedQuery(
            "SELECT count(*)::int FROM support.knowledge_gaps WHERE status <> 'closed'", logger: logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    /// Milliseconds from each ticket's TicketReceived entry to its TicketContextReady entry.
    private func latencies(of tickets: Set<String>, _ redis: RedisClient) async throws -> [Double] {
        func times(_ stream: String) async throws -> [String: Double] {
            let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", String(tickets.count * 2)),
                                                   stream: stream)
            var times: [String: Double] = [:]
            for entry in entries {
                guard let ticket = try? entry.envelope().detail["ticket_id"]?.stringValue, tickets.contains(ticket),
                      let millisecond = entry.id.split(separator: "-").first.flatMap({ Double($0) }) else { continue }
                times[ticket] = millisecond
            }
            return times
        }
        let sent = try await times(Self.received), ready = try await times(Self.ready)
        return tickets.compactMap { ticket in sent[ticket].flatMap { start in ready[ticket].map { $0 - start } } }
    }

    static func percentiles(_ samples: [Double]) -> (p50: Double, p99: Double) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }
}
