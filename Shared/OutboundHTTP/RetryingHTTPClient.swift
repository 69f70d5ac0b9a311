import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends requests to third parties with a timeout per attempt, and retries what a later attempt can fix:
/// 429 and 5xx answers (after `Retry-After` when given) and failed connections, with exponential backoff.
/// Any other answer goes back to the caller, who knows what a 404 or a 409 means for it.
public struct RetryingHTTPClient: Sendable {
    public struct Policy: Sendable {
        public var timeout: Duration
        public var attempts: Int
        public var firstDelay: Duration
        public var longestDelay: Duration
        public var largestResponse: Int

        public init(
            timeout: Duration = .seconds(30), attempts: Int = 4, firstDelay: Duration = .milliseconds(500),
            longestDelay: Duration = .seconds(30), largestResponse: Int = 8 << 20
        ) {
            self.timeout = timeout
            self.attempts = max(1, attempts)
            self.firstDelay = firstDelay
            self.longestDelay = longestDelay
            self.largestResponse = largestResponse
        }
    }

    let client: HTTPClient
    let policy: Policy
    let service: String
    let logger: Logger

    public init(service: String, policy: Policy = Policy(), client: HTTPClient = .shared, logger: Logger) {
        self.service = service
        self.policy = policy
        self.client = client
        self.logger = logger
    }

    public func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        var attempt = 1
        while true {
            let delay: Duration
            do {
                let response = try await sendOnce(request)
                guard Self.isRetryable(response.status), attempt < policy.attempts else { return response }
                delay = Self.retryAfter(response.header("Retry-After")).map { min($0, policy.longestDelay) } ?? backoff(attempt)
                logger.warning("\(service) answered \(response.status); retrying", metadata: [
                    "attempt": "\(attempt)", "delay": "\(delay)",
                ])
            } catch let error as CancellationError {
                throw error
            } catch {
                guard attempt < policy.attempts else { throw error }
                delay = backoff(attempt)
                logger.warning("\(service) could not be reached; retrying", metadata: [
                    "attempt": "\(attempt)", "error": "\(error)",
                ])
            }
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }

    private func sendOnce(_ request: OutboundRequest) async throws -> OutboundResponse {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outbound.headers.add(name: name, value: value) }
        if let body = request.body {
            outbound.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.nanoseconds(Int64(policy.timeout.components.seconds) * 1_000_000_000
            + Int64(policy.timeout.components.attoseconds / 1_000_000_000))
        let response = try await client.execute(outbound, timeout: timeout, logger: logger)
        let body = try await response.body.collect(upTo: policy.largestResponse)
        return OutboundResponse(status: Int(response.status.code),
                                headers: response.headers.map { ($0.name, $0.value) }, body: Array(buffer: body))
    }

    static func isRetryable(_ status: Int) -> Bool {
        status == 429 || (500...599).contains(status) && status != 501
    }

    /// `Retry-After` in seconds; the HTTP-date form is rare from these APIs and falls back to backoff.
    static func retryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }

    private func backoff(_ attempt: Int) -> Duration {
        min(policy.firstDelay * (1 << min(attempt - 1, 16)), policy.longestDelay)
    }
}
