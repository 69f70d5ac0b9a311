import Tracing

/// W3C trace context carried in a stream entry's fields beside the envelope (`traceparent`, `tracestate`),
/// so a consumer's span continues the trace of whatever published the event. The process's tracer is looked
/// up once: `InstrumentationSystem` casts and locks on every lookup, a cost the delivery path showed under
/// perf (BENCHMARKS.md, "Tracing"). Without a bootstrapped tracer nothing is written, read or started.
struct TraceFields: Sendable {
    static let names = ["traceparent", "tracestate"]
    /// A redriven or replayed copy keeps its original's context under these names, as a link.
    static let originPrefix = "origin_"

    /// nil when no tracer is bootstrapped.
    let tracer: (any Tracer)?

    init(tracer: any Tracer = InstrumentationSystem.tracer) {
        self.tracer = tracer is NoOpTracer ? nil : tracer
    }

    /// Adds the current context's trace fields.
    func inject(into fields: inout [String: [UInt8]]) {
        guard let tracer, let context = ServiceContext.current else { return }
        tracer.inject(context, into: &fields, using: BytesInjector())
    }

    /// The current context's trace fields, to keep with a record.
    func current() -> [String: String] {
        var fields: [String: String] = [:]
        guard let tracer, let context = ServiceContext.current else { return fields }
        tracer.inject(context, into: &fields, using: StringInjector())
        return fields
    }

    /// The context the entry's publisher was in; `prefix` reads the origin of a copy instead.
    func context(of fields: [String: String], prefix: String = "") -> ServiceContext? {
        guard let tracer, fields[prefix + Self.names[0]] != nil else { return nil }
        var context = ServiceContext.topLevel
        tracer.extract(fields, into: &context, using: FieldExtractor(prefix: prefix))
        return context
    }

    /// Whether a `traceparent` (`00-<trace id>-<span id>-<flags>`) says its span was sampled; one that cannot be
    /// read is left to the tracer, as if sampled.
    static func isSampled(_ traceparent: String) -> Bool {
        // On every delivery: read the last hex digit where it is, without splitting (which perf showed costly).
        let utf8 = traceparent.utf8
        guard utf8.count >= 55, let last = utf8.last, let digit = hexValue(last) else { return true }
        return digit & 1 == 1
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A copy's fields: its original's trace fields become its origin, and the copy joins the current trace.
    func copy(_ fields: [String: String]) -> [String: [UInt8]] {
        var copy: [String: [UInt8]] = [:]
        for (name, value) in fields where !Self.names.contains(name) && !name.hasPrefix(Self.originPrefix) {
            copy[name] = Array(value.utf8)
        }
        for name in Self.names {
            if let value = fields[Self.originPrefix + name] ?? fields[name] { copy[Self.originPrefix + name] = Array(value.utf8) }
        }
        inject(into: &copy)
        return copy
    }

    private struct BytesInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: [UInt8]]) {
            carrier[key] = Array(value.utf8)
        }
    }

    private struct StringInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }
    }

    private struct FieldExtractor: Extractor {
        let prefix: String

        func extract(key: String, from carrier: [String: String]) -> String? {
            carrier[prefix + key]
        }
    }
}
