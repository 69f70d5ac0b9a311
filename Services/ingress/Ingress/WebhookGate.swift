import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusServiceKit

/// What every webhook passes: its signature, when a secret is set, and the memory of deliveries already
/// received, so a provider's retry is answered without publishing again. The body is read and judged
/// first, without Redis; then one round trip either publishes and remembers the delivery atomically, or
/// remembers one that publishes nothing. A delivery that failed before that step runs again when retried.
struct WebhookGate: Sendable {
    let redis: RedisClient
    /// `jira`, `github`: each provider's delivery ids live apart.
    let provider: String
    let secret: String?
    /// As providers spell them; looked up lower-cased.
    let signatureHeader: String
    let deliveryHeader: String
    let duration: Duration

    init(redis: RedisClient, provider: String, secret: String?, signatureHeader: String, deliveryHeader: String,
         duration: Duration) {
        self.redis = redis
        self.provider = provider
        self.secret = secret
        self.signatureHeader = signatureHeader
        self.deliveryHeader = deliveryHeader
        self.duration = duration
    }

    /// The delivery's id, when the provider sent one. `headers` are keyed by lower-cased name.
    func delivery(_ headers: [String: String]) -> String? {
        headers[deliveryHeader.lowercased()]
    }

    /// 401 for a missing or wrong signature; nothing when it is valid or no secret is set.
    func checkSignature(body: [UInt8], headers: [String: String]) throws(APIError) {
        guard let secret, !WebhookSignature.isValid(headers[signatureHeader.lowercased()], body: body, secret: secret) else {
            return
        }
        throw APIError(.unauthorized, code: "bad_signature", "the \(signatureHeader) header is missing or does not match the body")
    }

    /// `answer` for a delivery that publishes nothing, remembered; `repeated` when it was received before.
    func answer(_ answer: WebhookAnswer, headers: [String: String]) async throws -> WebhookAnswer {
        guard let delivery = delivery(headers) else { return answer }
        let set = try await redis.send("SET", key(delivery), "1", "NX", "EX", String(duration.components.seconds))
        return set == .null ? .repeated(delivery) : answer
    }

    /// Publishes `detail` for this delivery once; answers false when the delivery was received before.
    func publishOnce<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String, correlationID: String, headers: [String: String],
        publisher: EventPublisher
    ) async throws -> Bool {
        guard let delivery = delivery(headers) else {
            try await publisher.publish(detail, source: source, id: id, correlationID: correlationID)
            return true
        }
        return try await publisher.publish(detail, source: source, id: id, correlationID: correlationID,
                                           onceFor: key(delivery), remembering: duration)
    }

    /// Publishes `detail` for this delivery once, continuing `chain`; answers false when the delivery was
    /// received before.
    func publishOnce<Detail: EventDetail>(
        _ detail: Detail, source: EventSource, id: String, continuing chain: EventChain, headers: [String: String],
        publisher: EventPublisher
    ) async throws -> Bool {
        guard let delivery = delivery(headers) else {
            try await publisher.publish(detail, source: source, id: id, continuing: chain)
            return true
        }
        return try await publisher.publish(detail, source: source, id: id, continuing: chain, onceFor: key(delivery),
                                           remembering: duration)
    }

    private func key(_ delivery: String) -> String { "kinexus:webhook:\(provider):\(delivery)" }
}
