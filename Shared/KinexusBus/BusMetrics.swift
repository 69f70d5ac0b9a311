import Metrics

/// The bus's Prometheus series, through swift-metrics; the service kit bootstraps the Prometheus backend.
struct BusMetrics: Sendable {
    let group: String

    enum Outcome: String {
        case received, handled, failed, retried, deadLettered = "dead_lettered", duplicate, filtered
    }

    func count(_ outcome: Outcome, detailType: String) {
        Counter(label: "kinexus_events_\(outcome.rawValue)_total",
                dimensions: [("group", group), ("detail_type", detailType)]).increment()
    }

    func recordDuration(_ duration: Duration, detailType: String) {
        Metrics.Timer(label: "kinexus_handler_duration_seconds",
                      dimensions: [("group", group), ("detail_type", detailType)]).record(duration: duration)
    }

    func recordPending(_ count: Int, stream: String) {
        Gauge(label: "kinexus_pending_entries", dimensions: [("group", group), ("stream", stream)]).record(count)
    }
}
