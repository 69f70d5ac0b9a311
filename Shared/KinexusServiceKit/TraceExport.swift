import Logging
import OTel
import ServiceLifecycle

/// OpenTelemetry tracing from the standard `OTEL_*` variables: spans go to the OTLP/HTTP endpoint
/// (`OTEL_EXPORTER_OTLP_ENDPOINT`, or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) as `http/protobuf` or `http/json`
/// (`OTEL_EXPORTER_OTLP_PROTOCOL`), sampled as `OTEL_TRACES_SAMPLER` says, under `OTEL_SERVICE_NAME` or the
/// service's name. Without an endpoint (or with `OTEL_SDK_DISABLED=true`) no tracer is installed: every
/// span is the no-op one and nothing is exported.
public enum TraceExport {
    public static func isConfigured(_ environment: [String: String]) -> Bool {
        let endpoint = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"].contains { environment[$0]?.isEmpty == false }
        return endpoint && environment["OTEL_SDK_DISABLED"]?.lowercased() != "true"
            && environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
    }

    /// Installs the tracer and answers the service that exports its spans, to run first and stop last. Once
    /// per process.
    public static func bootstrap(service: String, environment: [String: String]) throws -> (any Service)? {
        guard isConfigured(environment) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = service
        // Its info lines name every OTEL_* variable read, for every signal; a setting it cannot use is a warning.
        var diagnostics = Logger(label: "kinexus.otel")
        diagnostics.logLevel = .warning
        configuration.diagnosticLogger = .custom(diagnostics)
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        do {
            // Compose passes unset variables on as empty ones: those mean unset here too, not invalid.
            return try OTel.bootstrap(configuration: configuration, environment: environment.filter { !$0.value.isEmpty })
        } catch {
            throw InvalidTraceSetting(problem: "\(error)")
        }
    }
}

/// An `OTEL_*` setting the exporter cannot start with (a gRPC protocol, a bad certificate path).
struct InvalidTraceSetting: Error, CustomStringConvertible {
    let problem: String
    var description: String { "OTEL_* tracing settings are invalid: \(problem)" }
}
