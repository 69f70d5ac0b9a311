import KinexusRedis

/// What every webhook passes first: its signature, when a secret is set, and the memory of deliveries
/// already received, so a provider's retry is answered without publishing again. A delivery is remembered
/// only after it was fully processed: one that failed half-way runs again.
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

    /// The answer that ends the request here: 401 for a missing or wrong signature, 200 for a repeat.
    func refusal(body: [UInt8], headers: [String: String]) async throws -> WebhookAnswer? {
        if let secret, !WebhookSignature.isValid(headers[signatureHeader.lowercased()], body: body, secret: secret) {
            return .error(401, "the \(signatureHeader) header is missing or does not match the body", code: "bad_signature")
        }
        guard let delivery = delivery(headers) else { return nil }
        return try await redis.send("EXISTS", key(delivery)) == .integer(1) ? .repeated(delivery) : nil
    }

    func remember(_ headers: [String: String]) async throws {
        for command in remembering(headers) { try await redis.send(command) }
    }

    /// The command that remembers the delivery, to send in the same round trip as what it published.
    func remembering(_ headers: [String: String]) -> [RedisCommand] {
        guard let delivery = delivery(headers) else { return [] }
        return [RedisCommand("SET", key(delivery), "1", "EX", String(duration.components.seconds))]
    }

    private func key(_ delivery: String) -> String { "kinexus:webhook:\(provider):\(delivery)" }
}
