import Tracing

/// W3C trace context carried in a stream entry's fields beside the envelope (`traceparent`, `tracestate`),
/// so a consumer's span continues the trace of whatever published the event. Without a bootstrapped
/// tracer nothing is written and nothing is read.
enum TraceFields {
    static let names = ["traceparent", "tracestate"]
    /// A redriven or replayed copy keeps its original's context under these names, as a link.
    static let originPrefix = "origin_"

    /// Adds the current context's trace fields.
    static func inject(into fields: inout [String: [UInt8]]) {
        guard let context = ServiceContext.current else { return }
        InstrumentationSystem.instrument.inject(context, into: &fields, using: BytesInjector())
    }

    /// The current context's trace fields, to keep with a record.
    static func current() -> [String: String] {
        var fields: [String: String] = [:]
        guard let context = ServiceContext.current else { return fields }
        InstrumentationSystem.instrument.inject(context, into: &fields, using: StringInjector())
        return fields
    }

    /// The context the entry's publisher was in; `prefix` reads the origin of a copy instead.
    static func context(of fields: [String: String], prefix: String = "") -> ServiceContext? {
        guard fields[prefix + names[0]] != nil else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(fields, into: &context, using: FieldExtractor(prefix: prefix))
        return context
    }

    /// A copy's fields: its original's trace fields become its origin, and the copy joins the current trace.
    static func copy(_ fields: [String: String]) -> [String: [UInt8]] {
        var copy: [String: [UInt8]] = [:]
        for (name, value) in fields where !names.contains(name) && !name.hasPrefix(originPrefix) {
            copy[name] = Array(value.utf8)
        }
        for name in names {
            if let value = fields[originPrefix + name] ?? fields[name] { copy[originPrefix + name] = Array(value.utf8) }
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
