import KinexusBus
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
