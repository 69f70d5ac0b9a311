import EventBridgeRules
import EventPatterns
import KinexusJSON

extension EventBridgeAPI {
    /// `TestEventPattern` with Kinexus's own matcher, the one every subscription filters with.
    func testEventPattern(_ input: JSONValue) throws(AWSRefusal) -> JSONValue {
        guard let patternText = input["EventPattern"]?.stringValue else {
            throw .validation("1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not be null")
        }
        guard let eventText = input["Event"]?.stringValue else {
            throw .validation("1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null")
        }
        let pattern: EventPattern
        do {
            pattern = try EventPattern(parsing: patternText)
        } catch {
            throw .invalidPattern("Event pattern is not valid. Reason: \(error)")
        }
        // EventBridge tests only events that carry the envelope's identifying fields.
        guard let event = try? JSONValue(parsing: eventText), case .object(let fields) = event,
              ["id", "account", "source", "time", "region", "detail-type"].allSatisfy({ fields[$0]?.stringValue != nil })
        else {
            throw .validation("Parameter Event is not valid: it must be a JSON object with the string fields id, account, "
                + "source, time, region and detail-type.")
        }
        return .object(["Result": .bool(pattern.matches(event))])
    }
}
