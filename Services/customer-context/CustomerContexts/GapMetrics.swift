import Foundation
import Metrics

/// The knowledge gaps' Prometheus series: `kinexus_knowledge_gaps_open` (the gaps not closed, `OpenGapGauge`),
/// `kinexus_knowledge_gap_tickets` (the tickets a gap held when its article was published) and
/// `kinexus_knowledge_gap_detection_to_published_seconds`.
struct GapMetrics: Sendable {
    let open: Gauge
    let ticketsWhenPublished: Recorder
    let detectionToPublished: Metrics.Timer

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        open = Gauge(label: "kinexus_knowledge_gaps_open", factory: factory)
        ticketsWhenPublished = Recorder(label: "kinexus_knowledge_gap_tickets", factory: factory)
        detectionToPublished = Metrics.Timer(label: "kinexus_knowledge_gap_detection_to_published_seconds", factory: factory)
    }

    func published(tickets: Int, after duration: Duration) {
        ticketsWhenPublished.record(tickets)
        detectionToPublished.record(duration: duration)
    }
}
