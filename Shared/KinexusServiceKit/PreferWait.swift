import Foundation
import HTTPTypes

/// `Prefer: wait=N` (RFC 7240): a caller that would rather wait for the outcome of what it asked than poll
/// for it. The wait is cut to `longest`, which stays under the request's deadline.
public enum PreferWait {
    public static let header = HTTPField.Name("Prefer")!

    public static func duration(_ headers: HTTPFields, longest: Duration) -> Duration? {
        for preference in headers[values: header].flatMap({ $0.split(separator: ",") }) {
            let parts = preference.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "wait", let seconds = Double(parts[1]), seconds > 0 {
                // Whatever the caller wrote, only a number under the longest wait is converted.
                guard seconds < longest / .seconds(1), let milliseconds = Int64(exactly: (seconds * 1000).rounded(.down)) else {
                    return longest
                }
                return .milliseconds(milliseconds)
            }
        }
        return nil
    }

    /// Reads until `read` answers something or `wait` passes, often at first and then less: most outcomes
    /// come within milliseconds.
    public static func poll<T>(for wait: Duration, _ read: () async throws -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + wait
        var pause = Duration.milliseconds(2)
        while ContinuousClock.now < deadline {
            if let found = try await read() { return found }
            try await Task.sleep(for: min(pause, deadline - ContinuousClock.now))
            pause = min(pause * 2, .milliseconds(50))
        }
        return try await read()
    }
}
