import Hummingbird
import Tracing

/// A server span for each request (Hummingbird's `TracingMiddleware`), continuing the caller's `traceparent`.
/// Probes and scrapes are left out (`/health` never gets here): a trace every few seconds per replica would
/// bury the ones that matter. A diff page's `token` is a credential, so it is redacted from the recorded URL.
/// Without a tracer, nothing.
struct RequestTracing<Context: RequestContext>: RouterMiddleware {
    static var untracedPaths: Set<String> { ["/ready", "/metrics"] }

    private let tracing = TracingMiddleware<Context>(redactingQueryParameters: ["token"])
    private let tracerBootstrapped = !(InstrumentationSystem.tracer is NoOpTracer)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !tracerBootstrapped || Self.untracedPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        return try await tracing.handle(request, context: context, next: next)
    }
}
