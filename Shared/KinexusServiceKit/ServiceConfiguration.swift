import Foundation
import KinexusBus
import KinexusPostgres
import KinexusRedis
import KinexusSettings
import Logging

/// A service's settings from `KINEXUS_*` variables, each defaulting to what runs on one machine.
public struct ServiceConfiguration: Sendable {
    public var service: String
    public var httpPort: Int
    /// The address HTTP listens on: every interface in a container, loopback under `deploy/local.sh up`.
    public var httpHost: String
    /// How long any request may take before it answers 503.
    public var requestTimeout: Duration
    public var redisURL: String
    public var postgresURL: String
    public var logLevel: Logger.Level
    public var bus: BusConfiguration

    /// The longest `Prefer: wait` honoured: ten seconds, and a second short of the request's deadline.
    public var longestWait: Duration {
        max(.zero, min(.seconds(10), requestTimeout - .seconds(1)))
    }

    /// Default HTTP ports, so every service runs side by side on one machine.
    public static let defaultPorts = [
        "ingress": 8080, "orchestrator": 8081, "reviewer": 8082, "approver": 8083, "codegen": 8084,
        "kb-sync": 8085, "customer-context": 8086, "event-router": 8087,
    ]

    public init(service: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let settings = EnvironmentSettings(environment)
        self.service = service
        httpPort = try settings.integer("KINEXUS_HTTP_PORT", default: Self.defaultPorts[service] ?? 8090, range: 0...65535)
        httpHost = settings.string("KINEXUS_HTTP_HOST", default: "0.0.0.0")
        requestTimeout = try settings.duration("KINEXUS_REQUEST_TIMEOUT", default: .seconds(10))
        redisURL = settings.string("KINEXUS_REDIS_URL", default: RedisConfiguration.defaultURL)
        postgresURL = settings.string("KINEXUS_POSTGRES_URL", default: PostgresSettings.defaultURL)
        let level = settings.string("KINEXUS_LOG_LEVEL", default: "info")
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw InvalidSetting("KINEXUS_LOG_LEVEL", value: level,
                                 expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.logLevel = logLevel
        bus = BusConfiguration(
            group: service,
            consumer: settings.string("KINEXUS_CONSUMER_NAME", default: BusConfiguration.defaultConsumerName()),
            account: settings.string("KINEXUS_ACCOUNT", default: "000000000000"),
            region: settings.string("KINEXUS_REGION", default: "local"),
            maxAttempts: try settings.integer("KINEXUS_MAX_ATTEMPTS", default: 5, range: 1...1000),
            visibilityTimeout: try settings.duration("KINEXUS_VISIBILITY_TIMEOUT", default: .seconds(30)),
            retryBaseDelay: try settings.duration("KINEXUS_RETRY_BASE_DELAY", default: .seconds(1)),
            deduplicationWindow: try settings.duration("KINEXUS_DEDUPLICATION_WINDOW", default: .seconds(86_400)),
            streamRetention: try settings.duration("KINEXUS_STREAM_RETENTION", default: .seconds(7 * 86_400)),
            streamMaxLength: try settings.integer("KINEXUS_STREAM_MAXLEN", default: 1_000_000, range: 1...Int.max),
            consumerExpiry: try settings.duration("KINEXUS_CONSUMER_EXPIRY", default: .seconds(3600)),
            shutdownGracePeriod: try settings.duration("KINEXUS_SHUTDOWN_GRACE_PERIOD", default: .seconds(20)))
    }
}
