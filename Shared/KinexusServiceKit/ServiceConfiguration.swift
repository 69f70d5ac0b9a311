import Foundation
import KinexusBus
import KinexusPostgres
import KinexusRedis
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

    public struct InvalidSetting: Error, CustomStringConvertible {
        public let variable: String
        public let value: String
        public let expected: String

        public init(variable: String, value: String, expected: String) {
            self.variable = variable
            self.value = value
            self.expected = expected
        }

        public var description: String { "\(variable)='\(value)' is invalid: expected \(expected)" }
    }

    /// Default HTTP ports, so every service runs side by side on one machine.
    public static let defaultPorts = [
        "ingress": 8080, "orchestrator": 8081, "reviewer": 8082, "approver": 8083, "codegen": 8084,
        "kb-sync": 8085, "customer-context": 8086,
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
            throw InvalidSetting(variable: "KINEXUS_LOG_LEVEL", value: level,
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
            doneMarkerTTL: try settings.duration("KINEXUS_DONE_MARKER_TTL", default: .seconds(86_400)),
            streamMaxLength: try settings.integer("KINEXUS_STREAM_MAXLEN", default: 1_000_000, range: 1...Int.max),
            consumerExpiry: try settings.duration("KINEXUS_CONSUMER_EXPIRY", default: .seconds(3600)),
            shutdownGracePeriod: try settings.duration("KINEXUS_SHUTDOWN_GRACE_PERIOD", default: .seconds(20)))
    }
}

/// Reads and checks `KINEXUS_*` values.
public struct EnvironmentSettings: Sendable {
    let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    public func string(_ name: String, default value: String) -> String {
        environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? value
    }

    public func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ServiceConfiguration.InvalidSetting(
                variable: name, value: text, expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    public func decimal(_ name: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Double(text), range.contains(number) else {
            throw ServiceConfiguration.InvalidSetting(
                variable: name, value: text, expected: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// `30` (seconds), `30s`, `500ms`, `5m` or `1h`.
    public func duration(_ name: String, default value: Duration) throws -> Duration {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let duration = Self.parseDuration(text) else {
            throw ServiceConfiguration.InvalidSetting(
                variable: name, value: text, expected: "a duration from 1ms to 366 days, such as 30, 30s, 500ms, 5m or 1h")
        }
        return duration
    }

    /// A duration that must end before `limit` (a request's deadline, say) does, or the limit would cut it.
    public func duration(_ name: String, default value: Duration, under limit: (name: String, value: Duration)) throws -> Duration {
        let duration = try duration(name, default: value)
        guard duration < limit.value else {
            throw ServiceConfiguration.InvalidSetting(
                variable: name, value: environment[name] ?? "\(duration)", expected: "a duration shorter than \(limit.name) (\(limit.value))")
        }
        return duration
    }

    /// From a millisecond to a year: every timer, lease and expiry built from a setting stays in range.
    static let durations: ClosedRange<Double> = 1...(366 * 86_400_000)

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("", 1)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let number = Double(text.dropLast(unit.suffix.count)) else { continue }
            let milliseconds = (number * unit.scale * 1000).rounded()
            guard durations.contains(milliseconds), let whole = Int64(exactly: milliseconds) else { return nil }
            return .milliseconds(whole)
        }
        return nil
    }
}
