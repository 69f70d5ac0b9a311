import Foundation
import KinexusEvents
import Logging

/// What a handler knows about the delivery in hand, and how it publishes what follows from it.
public struct EventContext: Sendable {
    public let correlationID: String
    let baseLogger: Logger
    let envelope: EventEnvelope
    /// 1 on the first delivery.
    public let attempt: Int
    public let stream: String
    public let entryID: String
    let publisher: EventPublisher

    /// The id of the event in hand: handlers key their writes on it, so a redelivery changes nothing.
    public var eventID: String { envelope.id }

    /// When the event happened, as its envelope says.
    public var eventTime: Date { envelope.time }

    /// Carries `event_id`, `correlation_id`, `detail_type` and `group` on every line.
    public var logger: Logger { eventLogger(baseLogger, envelope: envelope, correlationID: correlationID) }

    /// Publishes a follow-up event under the same correlation id.
    @discardableResult
    public func publish<Detail: EventDetail>(_ detail: Detail, source: EventSource, id: String? = nil) async throws
        -> EventEnvelope
    {
        try await publisher.publish(detail, source: source, id: id, correlationID: correlationID)
    }
}

/// An error that names itself for the dead-letter stream; any other error is recorded by its type name.
public protocol CodedError: Error {
    var code: String { get }
    /// True when retrying cannot help (a reference to nothing, a malformed detail): the event goes to the
    /// dead-letter stream at once instead of after every attempt.
    var isPermanent: Bool { get }
}

extension CodedError {
    public var isPermanent: Bool { false }
}

/// A logger whose every line names the event and its correlation id.
func eventLogger(_ base: Logger, envelope: EventEnvelope, correlationID: String) -> Logger {
    var logger = base
    logger[metadataKey: "event_id"] = "\(envelope.id)"
    logger[metadataKey: "correlation_id"] = "\(correlationID)"
    logger[metadataKey: "detail_type"] = "\(envelope.detailType)"
    return logger
}
