import Foundation
import Hummingbird
import KinexusBus
import KinexusRedis
import NIOCore
import PostgresNIO
import Prometheus

/// `GET /ready` (started, Redis and Postgres reachable) and `GET /metrics` (Prometheus text) on every service;
/// `KinexusResponder` answers `GET /health`.
struct HealthRoutes: Sendable {
    let redis: RedisClient
    let postgres: PostgresClient
    let registry: PrometheusCollectorRegistry
    let startup: StartupState
    /// The consumer whose pending counts a scrape reads from Redis; nil for a service that consumes nothing.
    let consumer: EventConsumer?
    let logger: Logger

    func add(to router: Router<KinexusRequestContext>) {
        router.get("/ready") { _, _ in
            await readiness()
        }
        router.get("/metrics") { _, _ in
            if let consumer {
                do {
                    try await withTimeout(.seconds(1)) { try await consumer.refreshPendingCounts() }
                } catch {
                    logger.debug("pending counts not refreshed for this scrape", metadata: ["error": "\(error)"])
                }
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    private func readiness() async -> EditedResponse<Readiness> {
        var problems: [String] = []
        if !startup.isDone { problems.append("starting: migrations and consumer groups not ready") }
        do {
            _ = try await withTimeout(.seconds(2)) { try await redis.send("PING") }
        } catch {
            problems.append("redis: \(error)")
        }
        do {
            _ = try await withTimeout(.seconds(2)) { try await postgres.tracedQuery("SELECT 1", logger: logger) }
        } catch {
            problems.append("postgres: \(String(reflecting: error))")
        }
        let readiness = Readiness(status: problems.isEmpty ? "ready" : "unavailable", problems: problems)
        return EditedResponse(status: problems.isEmpty ? .ok : .serviceUnavailable, response: readiness)
    }

    struct Readiness: ResponseEncodable {
        let status: String
        let problems: [String]
    }
}
