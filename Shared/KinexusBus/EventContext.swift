import KinexusEvents
import Logging

/// What a handler knows about the delivery in hand, and how it publishes what follows from it.
public struct EventContext: Sendable {
    public let correlationID: String
    /// Carries `event_id`, `correlation_id`, `detail_type` and `group` on every line.
    public let logger: Logger
    /// 1 on the first delivery.
    public let attempt: Int
    public let stream: String
    public let entryID: String
    let publisher: EventPublisher

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
}
