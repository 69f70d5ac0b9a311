import KinexusBus
import KinexusRedis
import Logging
import ServiceLifecycle

/// Runs the consumers while `body` runs; afterwards, thrown or not, they stop, finishing their handlers.
public func whileConsuming(
    _ consumers: [EventConsumer], logger: Logger, _ body: () async throws -> Void
) async throws {
    for consumer in consumers { try await consumer.prepare() }
    let services = ServiceGroup(configuration: .init(services: consumers.map { .init(service: $0) },
                                                     gracefulShutdownSignals: [], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { running in
        running.addTask { try await services.run() }
        do {
            try await body()
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
        await services.triggerGracefulShutdown()
        try await running.waitForAll()
    }
}

/// Waits until consumer group `group` has read all of `stream` and acknowledged all it read: whatever was
/// published there has been handled.
public func handled(_ stream: String, by group: String, _ redis: RedisClient) async -> Bool {
    await eventually {
        guard let groups = try? await redis.send("XINFO", "GROUPS", stream).array else { return false }
        return groups.map(RedisValue.fields).contains { values in
            values["name"]?.string == group && values["pending"]?.integer == 0 && values["lag"]?.integer == 0
        }
    }
}
