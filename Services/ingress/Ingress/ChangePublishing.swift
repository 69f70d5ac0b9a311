import ChangeIntake
import KinexusBus
import KinexusEvents
import Logging

/// Publishes a detected change once per delivery, under a correlation id of its own, and says so in the
/// log; a delivery received before answers as a repeat. Texts too long for one event are cut, saying so.
func publishChange(
    _ detected: ChangeDetected, source: EventSource, gate: WebhookGate, headers: [String: String],
    publisher: EventPublisher, logger: Logger, reason: String
) async throws -> WebhookAnswer {
    let change = ChangeBounds.bounded(detected)
    let correlationID = EventID.random()
    guard try await gate.publishOnce(change, source: source, id: change.changeID, correlationID: correlationID,
                                     headers: headers, publisher: publisher) else {
        return .repeated(gate.delivery(headers))
    }
    logger.info("change detected", metadata: [
        "event_id": "\(change.changeID)", "correlation_id": "\(correlationID)", "ticket_key": "\(change.ticketKey)",
        "reason": "\(reason)",
    ])
    return .decision(accepted: true, reason: reason, changeID: change.changeID)
}
