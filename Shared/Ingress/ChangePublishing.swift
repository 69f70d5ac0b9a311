import KinexusBus
import KinexusEvents
import KinexusRedis
import Logging

/// Publishes a detected change under a correlation id of its own, with `then` in the same round trip, and
/// says so in the log.
func publishChange(
    _ change: ChangeDetected, source: EventSource, publisher: EventPublisher, logger: Logger, reason: String,
    then: [RedisCommand]
) async throws {
    let correlationID = EventID.random()
    try await publisher.publish(change, source: source, id: change.changeID, correlationID: correlationID, then: then)
    logger.info("change detected", metadata: [
        "event_id": "\(change.changeID)", "correlation_id": "\(correlationID)", "ticket_key": "\(change.ticketKey)",
        "reason": "\(reason)",
    ])
}
