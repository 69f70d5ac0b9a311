import Logging
import Synchronization

/// Says once, at warning, that a dependency is down, however many requests fail while it is: a failure
/// within `quietPeriod` of the last one belongs to the same outage.
final class OutageLog: Sendable {
    private let lastFailure = Mutex<[String: ContinuousClock.Instant]>([:])
    private let logger: Logger
    private let quietPeriod: Duration

    init(logger: Logger, quietPeriod: Duration = .seconds(60)) {
        self.logger = logger
        self.quietPeriod = quietPeriod
    }

    func failed(_ dependency: String, error: any Error, requestID: String, route: String) {
        let now = ContinuousClock.now
        let isNewOutage = lastFailure.withLock { last in
            defer { last[dependency] = now }
            return last[dependency].map { now - $0 > quietPeriod } ?? true
        }
        let metadata: Logger.Metadata = [
            "dependency": "\(dependency)", "request_id": "\(requestID)", "route": "\(route)",
            "error": "\(String(reflecting: error))",
        ]
        if isNewOutage {
            logger.warning("\(dependency) is unreachable: requests answer 503 until it is back", metadata: metadata)
        } else {
            logger.debug("\(dependency) still unreachable", metadata: metadata)
        }
    }
}
