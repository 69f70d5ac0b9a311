import Crypto
import Foundation

/// A link to a review's diff page that works until it expires: `?token=<expiry>.<hex HMAC>`, the HMAC
/// over the review id and the expiry, so a token for one review opens no other. No token opens a page for
/// longer than `lifetime` from now, whatever expiry it carries.
public struct DiffLink: Sendable {
    let secret: LinkSecret
    public let baseURL: String
    public let lifetime: TimeInterval

    /// Where the secret made when none is configured is kept, in Redis.
    public static let sharedSecretKey = "kinexus:link-secret"

    /// Reviewer and ingress clocks may differ by this much.
    static let clockSkew: TimeInterval = 300

    public init(secret: LinkSecret, baseURL: String, lifetime: TimeInterval = 7 * 86_400) {
        self.secret = secret
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.lifetime = lifetime
    }

    public init(secret: String, baseURL: String, lifetime: TimeInterval = 7 * 86_400) {
        self.init(secret: LinkSecret(secret), baseURL: baseURL, lifetime: lifetime)
    }

    /// `KINEXUS_LINK_SECRET` and `KINEXUS_PUBLIC_URL`, shared by the reviewer that makes links and the ingress
    /// that checks them; without a secret, the one `shared` answers, which every replica reads alike.
    public init(environment: [String: String], shared: @escaping @Sendable () async throws -> String) {
        let configured = environment["KINEXUS_LINK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(secret: configured.map { LinkSecret($0) } ?? LinkSecret(shared),
                  baseURL: environment["KINEXUS_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://localhost:8080")
    }

    public func url(reviewID: String, now: Date = Date()) async throws -> String {
        "\(baseURL)/reviews/\(reviewID)/diff?token=\(try await token(reviewID: reviewID, now: now))"
    }

    public func token(reviewID: String, now: Date = Date()) async throws -> String {
        let expiry = Int(now.timeIntervalSince1970 + lifetime)
        return "\(expiry).\(signature(reviewID: reviewID, expiry: expiry, key: try await secret.key()))"
    }

    public enum Verdict: Equatable, Sendable {
        case valid, expired, invalid
    }

    public func verify(reviewID: String, token: String?, now: Date = Date()) async throws -> Verdict {
        guard let token, let dot = token.firstIndex(of: "."), let expiry = Int(token[..<dot]) else { return .invalid }
        let given = Array(token[token.index(after: dot)...].utf8)
        let expected = Array(signature(reviewID: reviewID, expiry: expiry, key: try await secret.key()).utf8)
        // Constant time: the comparison's duration says nothing about how much of a guess was right.
        guard given.count == expected.count, zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            return .invalid
        }
        guard Double(expiry) <= now.timeIntervalSince1970 + lifetime + Self.clockSkew else { return .invalid }
        return now.timeIntervalSince1970 <= Double(expiry) ? .valid : .expired
    }

    private func signature(reviewID: String, expiry: Int, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Array("\(reviewID):\(expiry)".utf8), using: key)
            .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
