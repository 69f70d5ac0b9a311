import KinexusBus
import KinexusEvents
import Logging

/// Publishes a detected change under a correlation id of its own, and says so in the log.
func publishChange(_ change: ChangeDetected, source: EventSource, publisher: EventPublisher, logger: Logger, reason: String)
    async throws
{
    let correlationID = EventID.random()
    try await publisher.publish(change, source: source, id: change.changeID, correlationID: correlationID)
    logger.info("change detected", metadata: [
        "event_id": "\(change.changeID)", "correlation_id": "\(correlationID)", "ticket_key": "\(change.ticketKey)",
        "reason": "\(reason)",
    ])
}
