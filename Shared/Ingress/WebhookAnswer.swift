import KinexusJSON

/// What a webhook intake answers: a status and a JSON body.
public struct WebhookAnswer: Sendable, Equatable {
    public let status: Int
    public let body: JSONValue

    static func error(_ status: Int, _ message: String, code: String) -> WebhookAnswer {
        WebhookAnswer(status: status, body: .object(["error": .string(message), "code": .string(code)]))
    }

    static func repeated(_ delivery: String?) -> WebhookAnswer {
        WebhookAnswer(status: 200, body: .object([
            "accepted": false, "duplicate": true, "reason": .string("delivery \(delivery ?? "") was already received"),
        ]))
    }

    /// An accepted delivery that published an event other than a change: a review decision.
    static func published(reason: String, eventID: String) -> WebhookAnswer {
        WebhookAnswer(status: 200, body: ["accepted": true, "reason": .string(reason), "event_id": .string(eventID)])
    }

    static func decision(accepted: Bool, reason: String, changeID: String?) -> WebhookAnswer {
        var body: [String: JSONValue] = ["accepted": .bool(accepted), "reason": .string(reason)]
        body["change_id"] = changeID.map(JSONValue.string)
        return WebhookAnswer(status: 200, body: .object(body))
    }
}
