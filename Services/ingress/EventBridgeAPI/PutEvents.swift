import EventBridgeRules
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON

extension EventBridgeAPI {
    /// Publishes each acceptable entry on the bus as Kinexus's own events are published, and answers every
    /// entry on its own: its event id, or EventBridge's error code and message.
    func putEvents(_ input: JSONValue) async throws -> JSONValue {
        let now = Date()
        let entries = try PutEventsEntry.entries(of: input)
        let results = entries.map { PutEventsEntry.envelope(of: $0, on: bus, now: now) }
        let accepted = zip(entries, results).compactMap { entry, result in
            (try? result.get()).map {
                EventPublisher.Outgoing(envelope: $0, traceParent: entry["TraceHeader"]?.stringValue.flatMap(TraceHeader.traceparent(fromXRay:)))
            }
        }
        if !accepted.isEmpty {
            _ = try await publisher.publish(accepted)
        }
        let failed = results.count - accepted.count
        if failed > 0 {
            logger.notice("PutEvents entries refused", metadata: [
                "failed": "\(failed)", "accepted": "\(accepted.count)",
                "errors": "\(results.compactMap { if case .failure(let failure) = $0 { failure.description } else { nil } })",
            ])
        }
        return .object([
            "FailedEntryCount": .number(Double(failed)),
            "Entries": .array(results.map { result in
                switch result {
                case .success(let envelope): .object(["EventId": .string(envelope.id)])
                case .failure(let failure): .object(["ErrorCode": .string(failure.code), "ErrorMessage": .string(failure.message)])
                }
            }),
        ])
    }
}
