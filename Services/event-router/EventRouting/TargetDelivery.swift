import EventBridgeRules
import Foundation
import KinexusBus
import KinexusEvents
import Logging
import OutboundHTTP
import RoutingRules
import RuleQueries

/// Delivers events to one rule's target: waits its turn under the destination's rate limit, makes one HTTP
/// request, and answers the bus by its outcome — a 5xx, a 429, a timeout or a failed connection is thrown to be
/// retried with backoff, any other refusal dead-letters the event at once, as does an event older than the
/// target's `MaximumEventAgeInSeconds` or a destination that is gone. Every attempt is recorded.
struct TargetDelivery: Sendable {
    /// How long an API destination has to answer, as on EventBridge.
    static let timeout = Duration.seconds(5)

    let route: RoutingTable.Route
    let bus: EventBus
    let secrets: SecretBox
    let environment: [String: String]
    let http: RetryingHTTPClient
    let limiter: RateLimiter
    let log: DeliveryLog

    struct Failure: CodedError, CustomStringConvertible {
        let code: String
        let description: String
        let isPermanent: Bool
        var status: Int?
    }

    func deliver(_ event: EventEnvelope, context: EventContext) async throws {
        let started = ContinuousClock.now
        do {
            let status = try await invoke(event, context: context)
            // Delivered is delivered: a record that cannot be written must not send the event again.
            do {
                try await record(event, context: context, outcome: .delivered, status: status, error: nil, since: started)
            } catch {
                context.logger.warning("delivered, but the delivery could not be recorded", metadata: ["error": "\(error)"])
            }
        } catch let failure as Failure {
            let last = failure.isPermanent || context.attempt > route.target.maximumRetryAttempts
            do {
                try await record(event, context: context, outcome: last ? .deadLettered : .retrying, status: failure.status,
                                 error: failure.description, since: started)
            } catch {
                context.logger.warning("a failed delivery could not be recorded", metadata: ["error": "\(error)"])
            }
            throw failure
        }
    }

    /// The endpoint's status for a delivered event; a `Failure` otherwise.
    private func invoke(_ event: EventEnvelope, context: EventContext) async throws -> Int {
        guard let destination = route.destination, let connection = route.connection else {
            throw Failure(code: "api_destination_missing", description: "the api-destination \(route.target.destinationName) no longer exists",
                          isPermanent: true)
        }
        let age = Date().timeIntervalSince(Self.ingestionTime(entryID: context.entryID) ?? event.time)
        guard age <= Double(route.target.maximumEventAgeSeconds) else {
            throw Failure(code: "event_too_old", description: "the event is \(String(format: "%.0f", age)) s old, past the target's MaximumEventAgeInSeconds "
                + "(\(route.target.maximumEventAgeSeconds))", isPermanent: true)
        }
        let parts: (headers: [(String, String)], query: [(String, String)])
        do {
            parts = try connection.definition.invocationParts(box: secrets, environment: environment)
        } catch {
            throw Failure(code: "secret_unavailable", description: "connection \(connection.name): \(error)", isPermanent: true)
        }
        let invocation = Invocation(event: event, ruleName: route.rule.name, ruleARN: bus.ruleARN(route.rule.name), target: route.target,
                                    endpoint: destination.endpoint, method: destination.method, connection: parts)
        try await limiter.acquire(destination: destination.name, perSecond: destination.rateLimitPerSecond ?? 300)
        let response: OutboundResponse
        do {
            response = try await http.send(OutboundRequest(method: invocation.method, url: invocation.url,
                                                           headers: invocation.headers.map { ($0.name, $0.value) }, body: invocation.body))
        } catch let error as CancellationError {
            throw error
        } catch {
            throw Failure(code: "endpoint_unreachable", description: "\(destination.endpoint): \(error)", isPermanent: false)
        }
        switch DeliveryVerdict(status: response.status) {
        case .delivered: return response.status
        case .retry:
            throw Failure(code: "endpoint_\(response.status)", description: "\(destination.endpoint) answered \(response.status)", isPermanent: false,
                          status: response.status)
        case .refused:
            throw Failure(code: "endpoint_\(response.status)", description: "\(destination.endpoint) refused the event with \(response.status)",
                          isPermanent: true, status: response.status)
        }
    }

    private func record(
        _ event: EventEnvelope, context: EventContext, outcome: DeliveryLog.Outcome, status: Int?, error: String?, since started: ContinuousClock.Instant
    ) async throws {
        try await log.record(.init(rule: route.rule.name, target: route.target.id, eventID: event.id, attempt: context.attempt,
                                   outcome: outcome, statusCode: status, error: error, duration: ContinuousClock.now - started))
    }

    /// When the bus took the event in: the milliseconds of its stream entry's id.
    static func ingestionTime(entryID: String) -> Date? {
        entryID.split(separator: "-").first.flatMap { Int64($0) }.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }
}
