import KinexusServiceKit
import Testing

/// Tracing is on only with a collector to send to: swift-otel would otherwise send to localhost:4318.
struct TraceExportTests {
    @Test(arguments: [
        [:],
        ["OTEL_EXPORTER_OTLP_ENDPOINT": ""],
        ["OTEL_TRACES_SAMPLER": "always_on"],
        ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"],
        ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"],
    ])
    func withoutAnEndpointOrWhenDisabledNothingIsTraced(environment: [String: String]) {
        #expect(!TraceExport.isConfigured(environment))
    }

    @Test(arguments: ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
    func anEndpointTurnsTracingOn(variable: String) {
        #expect(TraceExport.isConfigured([variable: "http://collector:4318"]))
    }
}
