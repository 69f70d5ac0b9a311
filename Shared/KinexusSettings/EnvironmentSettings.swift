import Foundation

/// Reads and checks `KINEXUS_*` values.
public struct EnvironmentSettings: Sendable {
    let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// The variable's value, or nil when it is unset or empty: an empty variable means "not set".
    public func optional(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func string(_ name: String, default value: String) -> String {
        optional(name) ?? value
    }

    /// `KINEXUS_DATA_DIR`, absolute: where a service keeps what it writes locally (codegen's workspaces, the saved
    /// embedding index); `data` under the working directory by default.
    public var dataDirectory: String {
        URL(fileURLWithPath: string("KINEXUS_DATA_DIR", default: "data")).standardizedFileURL.path
    }

    public func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw InvalidSetting(
                name, value: text, expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    public func decimal(_ name: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Double(text), range.contains(number) else {
            throw InvalidSetting(
                name, value: text, expected: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// `30` (seconds), `30s`, `500ms`, `5m` or `1h`.
    public func duration(_ name: String, default value: Duration) throws -> Duration {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let duration = Self.parseDuration(text) else {
            throw InvalidSetting(
                name, value: text, expected: "a duration from 1ms to 366 days, such as 30, 30s, 500ms, 5m or 1h")
        }
        return duration
    }

    /// A duration that must end before `limit` (a request's deadline, say) does, or the limit would cut it.
    public func duration(_ name: String, default value: Duration, under limit: (name: String, value: Duration)) throws -> Duration {
        let duration = try duration(name, default: value)
        guard duration < limit.value else {
            throw InvalidSetting(
                name, value: environment[name] ?? "\(duration)", expected: "a duration shorter than \(limit.name) (\(limit.value))")
        }
        return duration
    }

    /// From a millisecond to a year: every timer, lease and expiry built from a setting stays in range.
    static let durations: ClosedRange<Double> = 1...(366 * 86_400_000)

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("", 1)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let number = Double(text.dropLast(unit.suffix.count)) else { continue }
            let milliseconds = (number * unit.scale * 1000).rounded()
            guard durations.contains(milliseconds), let whole = Int64(exactly: milliseconds) else { return nil }
            return .milliseconds(whole)
        }
        return nil
    }
}
