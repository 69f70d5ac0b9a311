import Foundation

/// A secret no one configured, made once by whichever replica asks first and kept in Redis, so every
/// replica of every service signs and checks with the same one: never a value anyone could look up.
public enum SharedSecret {
    public static func read(_ key: String, redis: RedisClient) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let made = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
        let replies = try await redis.pipeline([RedisCommand("SET", key, made, "NX"), RedisCommand("GET", key)])
        guard let secret = replies.last?.string, !secret.isEmpty else {
            throw RedisError.unexpectedReply(command: "GET \(key)", reply: "no secret")
        }
        return secret
    }
}
