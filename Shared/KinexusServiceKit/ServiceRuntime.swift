import Foundation
import Hummingbird
import KinexusBus
import KinexusPostgres
import KinexusRedis
import Logging
import Metrics
import NIOCore
import OTel
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// Everything a Kinexus service shares: configuration, JSON logs, the Redis and Postgres clients, the
/// publisher, and `run`, which applies migrations, consumes, serves HTTP and shuts down gracefully.
public final class ServiceRuntime: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let redis: RedisClient
    public let postgres: PostgresClient
    public let publisher: EventPublisher
    private let registry: PrometheusCollectorRegistry
    private let traceExport: (any Service)?
    private let startup = StartupState()

    /// Reads the configuration and sets up logging and metrics for the process; call it once, first.
    public init(service: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let configuration = try ServiceConfiguration(service: service, environment: environment)
        // Log lines carry the trace and span they were written in when traces are exported.
        LoggingSystem.bootstrap({ label, traceIDs in
            var handler = JSONLogHandler(label: label, service: service, level: configuration.logLevel)
            handler.metadataProvider = traceIDs
            return handler
        }, metadataProvider: TraceExport.isConfigured(environment) ? OTel.makeLoggingMetadataProvider() : nil)
        // Before any HTTP client is made: AsyncHTTPClient takes the tracer when its configuration is created.
        traceExport = try TraceExport.bootstrap(service: service, environment: environment)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "kinexus.\(service)")
        self.configuration = configuration
        self.logger = logger
        self.registry = registry
        redis = RedisClient(configuration: try RedisConfiguration(url: configuration.redisURL),
                            logger: Logger(label: "kinexus.redis"))
        postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: configuration.postgresURL),
                                  backgroundLogger: Logger(label: "kinexus.postgres"))
        publisher = EventPublisher(redis: redis, configuration: configuration.bus)
    }

    /// Runs until SIGTERM or SIGINT: applies `migrations` and runs `warmUp` (what the first request should
    /// not wait for), then consumes `subscriptions`, while serving `/health`, `/ready` (200 once all that is
    /// done), `/metrics` and the routes `routes` adds on the configured port, trimming the streams it reads and
    /// publishes to, and running `background` services (stopped before the HTTP server, so that responses
    /// they feed end first).
    public func run(
        migrations: [Migration] = [], warmUp: @escaping @Sendable () async throws -> Void = {}, subscriptions: [Subscription] = [],
        background: [any Service] = [], routes: (Router<KinexusRequestContext>) -> Void = { _ in }
    ) async throws {
        let consumer = try EventConsumer(redis: redis, configuration: configuration.bus,
                                         subscriptions: subscriptions, logger: logger)
        let router = Self.router(logger: logger)
        HealthRoutes(redis: redis, postgres: postgres, registry: registry, startup: startup,
                     consumer: subscriptions.isEmpty ? nil : consumer, logger: logger)
            .add(to: router)
        routes(router)
        let http = Listening(application: Application(
            responder: KinexusResponder(router.buildResponder(), deadline: configuration.requestTimeout, logger: logger),
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort)),
            logger: Logger(label: "kinexus.http")), configuration: configuration)
        let trimmer = StreamTrimmer(redis: redis, configuration: configuration.bus, streams: { [publisher] in
            publisher.publishedStreams.union(subscriptions.flatMap { $0.topics.map(\.streamKey) })
        }, logger: logger)
        let work = StartupThenConsume(
            migrations: MigrationRunner(client: postgres, logger: logger),
            migrationFiles: migrations, warmUp: warmUp, consumer: subscriptions.isEmpty ? nil : consumer, startup: startup,
            register: { [redis, logger, group = configuration.bus.group] in
                do {
                    try await SubscriptionRegistry.register(subscriptions, group: group, redis: redis)
                } catch {
                    logger.warning("cannot register this service's subscriptions: the AWS endpoint's ListRules misses them until it restarts",
                                   metadata: ["error": "\(error)"])
                }
            })
        // Shutdown runs in reverse: the consumer finishes its handlers while Postgres and HTTP still serve, and the
        // spans of all that are exported last.
        let services: [any Service] = (traceExport.map { [$0] } ?? []) + [postgres, http, trimmer] + background + [work]
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: StoppingEndsWithoutFailure(service: $0, logger: logger)) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past the handlers' grace period, a little time for the last acks; then everything is cancelled,
        // so a shutdown while Redis is unreachable still ends (the unacked entries stay pending).
        groupConfiguration.maximumGracefulShutdownDuration = configuration.bus.shutdownGracePeriod + .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        logger.info("starting", metadata: [
            "http_port": "\(configuration.httpPort)", "redis": "\(redis.configuration.redactedURL)",
            "consumer": "\(configuration.bus.consumer)", "tracing": "\(traceExport == nil ? "off" : "on")",
        ])
        defer { logger.info("stopped") }
        do {
            try await group.run()
        } catch {
            logger.critical("service failed", metadata: ["error": "\(String(reflecting: error))"])
            await redis.shutdown()
            throw error
        }
        await redis.shutdown()
    }
}

extension ServiceRuntime {
    /// A port in use or not ours to take, or a host that names no local address.
    static func cannotListen(_ error: any Error) -> Bool {
        if let error = error as? IOError { return [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) }
        return error is SocketAddressError
    }

    /// A router whose handlers' errors all answer the JSON error body; every service's routes go on one.
    public static func router(logger: Logger) -> Router<KinexusRequestContext> {
        let router = Router(context: KinexusRequestContext.self)
        router.add(middleware: RequestTracing())
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: NULCharacterRefusal())
        return router
    }
}

/// The HTTP server, which ends the process as a bad setting does when it cannot listen: at once, before
/// any other service could hold the exit up by finishing what it started (migrations, the warm-up).
private struct Listening: Service {
    let application: any Service
    let configuration: ServiceConfiguration

    func run() async throws {
        do {
            try await application.run()
        } catch where ServiceRuntime.cannotListen(error) {
            exitForConfiguration("KINEXUS_HTTP_HOST=\(configuration.httpHost) KINEXUS_HTTP_PORT=\(configuration.httpPort): "
                + "cannot listen there: \(error)")
        }
    }
}

/// A service told to stop may end in an error on the way (a query cancelled, a connection closed, a warm-up
/// cut short): that is a stop, not a failure, so the process exits 0. An error before the stop still fails it.
private struct StoppingEndsWithoutFailure: Service {
    let service: any Service
    let logger: Logger

    func run() async throws {
        do {
            try await service.run()
        } catch where Task.isShuttingDownGracefully || Task.isCancelled {
            logger.notice("stopped while at work", metadata: [
                "service": "\(type(of: service))", "error": "\(String(reflecting: error))",
            ])
        }
    }
}

/// Migrations and the warm-up first, then the consumer; `/ready` answers 200 from the moment all are done.
private struct StartupThenConsume: Service {
    let migrations: MigrationRunner
    let migrationFiles: [Migration]
    let warmUp: @Sendable () async throws -> Void
    let consumer: EventConsumer?
    let startup: StartupState
    /// Writes the subscriptions to `SubscriptionRegistry` once Redis has answered.
    let register: @Sendable () async -> Void

    func run() async throws {
        // Waiting for Postgres or Redis at start-up must not hold up a shutdown.
        try await cancelWhenGracefulShutdown {
            try await migrations.run(migrationFiles)
            try await warmUp()
            try await consumer?.prepare()
            if consumer != nil { await register() }
        }
        startup.markDone()
        guard let consumer else {
            try await gracefulShutdown()
            return
        }
        try await consumer.run()
    }
}
