import Crypto
import Foundation

/// A link to a review's diff page that works until it expires: `?token=<expiry>.<hex HMAC>`, the HMAC
/// over the review id and the expiry, so a token for one review opens no other.
public struct DiffLink: Sendable {
    let secret: SymmetricKey
    public let baseURL: String
    public let lifetime: TimeInterval

    public init(secret: String, baseURL: String, lifetime: TimeInterval = 7 * 86_400) {
        self.secret = SymmetricKey(data: Array(secret.utf8))
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.lifetime = lifetime
    }

    static let localSecret = "kinexus-local-link-secret"

    /// `KINEXUS_LINK_SECRET` and `KINEXUS_PUBLIC_URL`, shared by the reviewer that makes links and the ingress
    /// that checks them; without a secret, a local default that `isLocalDefault` reports.
    public init(environment: [String: String]) {
        let secret = environment["KINEXUS_LINK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(secret: secret ?? Self.localSecret,
                  baseURL: environment["KINEXUS_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://localhost:8080")
        isLocalDefault = secret == nil
    }

    public private(set) var isLocalDefault = false

    public func url(reviewID: String, now: Date = Date()) -> String {
        "\(baseURL)/reviews/\(reviewID)/diff?token=\(token(reviewID: reviewID, now: now))"
    }

    public func token(reviewID: String, now: Date = Date()) -> String {
        let expiry = Int(now.timeIntervalSince1970 + lifetime)
        return "\(expiry).\(signature(reviewID: reviewID, expiry: expiry))"
    }

    public enum Verdict: Equatable, Sendable {
        case valid, expired, invalid
    }

    public func verify(reviewID: String, token: String?, now: Date = Date()) -> Verdict {
        guard let token, let dot = token.firstIndex(of: "."), let expiry = Int(token[..<dot]) else { return .invalid }
        let given = Array(token[token.index(after: dot)...].utf8)
        let expected = Array(signature(reviewID: reviewID, expiry: expiry).utf8)
        // Constant time: the comparison's duration says nothing about how much of a guess was right.
        guard given.count == expected.count, zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            return .invalid
        }
        return now.timeIntervalSince1970 <= Double(expiry) ? .valid : .expired
    }

    private func signature(reviewID: String, expiry: Int) -> String {
        HMAC<SHA256>.authenticationCode(for: Array("\(reviewID):\(expiry)".utf8), using: secret)
            .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
