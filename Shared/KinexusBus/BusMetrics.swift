import Metrics
import Synchronization

/// The bus's Prometheus series, through swift-metrics; the service kit bootstraps the Prometheus backend.
/// Handles are made once per series and kept: looking one up in the factory on every event would cost a lock
/// and a hash per call on the hot path.
final class BusMetrics: Sendable {
    let group: String
    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Metrics.Timer]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])

    init(group: String) {
        self.group = group
    }

    enum Outcome: String {
        case received, handled, failed, retried, deadLettered = "dead_lettered", filtered
    }

    func count(_ outcome: Outcome, detailType: String) {
        let label = "kinexus_events_\(outcome.rawValue)_total"
        counters.withLock { counters in
            let key = label + "|" + detailType
            if let counter = counters[key] { return counter }
            let counter = Counter(label: label, dimensions: [("group", group), ("detail_type", detailType)])
            counters[key] = counter
            return counter
        }.increment()
    }

    func recordDuration(_ duration: Duration, detailType: String) {
        timers.withLock { timers in
            if let timer = timers[detailType] { return timer }
            let timer = Metrics.Timer(label: "kinexus_handler_duration_seconds",
                                      dimensions: [("group", group), ("detail_type", detailType)])
            timers[detailType] = timer
            return timer
        }.record(duration: duration)
    }

    func recordPending(_ count: Int, stream: String) {
        gauges.withLock { gauges in
            if let gauge = gauges[stream] { return gauge }
            let gauge = Gauge(label: "kinexus_pending_entries", dimensions: [("group", group), ("stream", stream)])
            gauges[stream] = gauge
            return gauge
        }.record(count)
    }
}
