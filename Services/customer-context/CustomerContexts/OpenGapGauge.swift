import KinexusPostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// `kinexus_knowledge_gaps_open` as Postgres counts it, every 15 seconds, so every replica reports the same.
/// Counted beside each placement instead, the count grew with the gaps: 3 of a ticket's 11 ms at 10,000 open
/// gaps (BENCHMARKS.md, "Knowledge gaps").
public struct OpenGapGauge: Service {
    let client: PostgresClient
    let metrics: GapMetrics
    let logger: Logger
    static let interval = Duration.seconds(15)

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                do {
                    try await refresh()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("could not count the open knowledge gaps; counted again next round", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: Self.interval)
            }
        }
    }

    func refresh() async throws {
        for try await open in try await client.tracedQuery(
            "SELECT count(*)::int FROM support.knowledge_gaps WHERE status <> 'closed'", logger: logger
        ).decode(Int.self) {
            metrics.open.record(open)
        }
    }
}
