import EventBridgeRules
import Foundation
import KinexusBus
import KinexusPostgres
import KinexusRedis
import Logging
import OutboundHTTP
import PostgresNIO
import RuleQueries

/// The event-router's composition: the rules' consumers, each delivering through one HTTP attempt at a time
/// under its destination's rate limit, recording every attempt.
public enum EventRouter {
    public static func migrations() throws -> [Migration] {
        try DeliveryLog.migrations()
    }

    public static func composed(
        postgres: PostgresClient, redis: RedisClient, bus: BusConfiguration, environment: [String: String], logger: Logger
    ) throws -> RuleRouter {
        let secrets = try SecretBox(environment: environment)
        let log = DeliveryLog(client: postgres, logger: logger)
        let http = RetryingHTTPClient(service: "API destination", policy: .init(timeout: TargetDelivery.timeout, attempts: 1,
                                                                               largestResponse: 1 << 20), logger: logger)
        let limiter = RateLimiter(redis: redis)
        let eventBus = EventBus(account: bus.account, region: bus.region)
        return RuleRouter(queries: RuleQueries(client: postgres, logger: logger), redis: redis, bus: bus, log: log, logger: logger) { route in
            TargetDelivery(route: route, bus: eventBus, secrets: secrets, environment: environment, http: http, limiter: limiter, log: log)
        }
    }
}
