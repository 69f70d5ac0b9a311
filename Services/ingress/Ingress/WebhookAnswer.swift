import Hummingbird
import KinexusJSON

/// What a webhook intake answers when it takes a delivery (refusals are thrown as `APIError`): 200 with a
/// JSON body.
public struct WebhookAnswer: ResponseEncodable, Sendable, Equatable {
    public let body: JSONValue

    public func encode(to encoder: any Encoder) throws {
        try body.encode(to: encoder)
    }

    static func repeated(_ delivery: String?) -> WebhookAnswer {
        WebhookAnswer(body: .object([
            "accepted": false, "duplicate": true, "reason": .string("delivery \(delivery ?? "") was already received"),
        ]))
    }

    /// An accepted delivery that published an event other than a change: a review decision.
    static func published(reason: String, eventID: String) -> WebhookAnswer {
        WebhookAnswer(body: ["accepted": true, "reason": .string(reason), "event_id": .string(eventID)])
    }

    static func decision(accepted: Bool, reason: String, changeID: String?) -> WebhookAnswer {
        var body: [String: JSONValue] = ["accepted": .bool(accepted), "reason": .string(reason)]
        body["change_id"] = changeID.map(JSONValue.string)
        return WebhookAnswer(body: .object(body))
    }
}
