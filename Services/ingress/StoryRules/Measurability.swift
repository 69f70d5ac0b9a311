import Foundation

/// A Then step an acceptance test cannot check, with how to make it checkable.
public struct MeasurabilityWarning: Sendable, Equatable, Codable {
    public let step: Int
    public let text: String
    public let message: String
    public let suggestion: String
}

/// A Then step is measurable when it names a number with a unit, an HTTP status, or an outcome someone can
/// observe ("is displayed", "receives an e-mail", "is saved").
public enum Measurability {
    static let units = [
        "ms", "millisecond", "milliseconds", "s", "sec", "second", "seconds", "minute", "minutes", "hour", "hours",
        "day", "days", "%", "percent", "item", "items", "record", "records", "row", "rows", "click", "clicks",
        "kb", "mb", "gb", "byte", "bytes", "character", "characters", "request", "requests", "user", "users",
        "result", "results", "page", "pages", "times", "attempts", "retries", "px", "euro", "eur", "usd", "dollars",
    ]
    static let outcomes = [
        "is displayed", "are displayed", "is shown", "are shown", "appears", "appear", "is visible", "are visible",
        "receives", "receive", "is redirected", "is saved", "are saved", "is stored", "is created", "are created",
        "is deleted", "are deleted", "is updated", "is sent", "are sent", "contains", "contain", "returns",
        "return", "sees", "see", "error message", "is disabled", "is enabled", "is logged", "is recorded",
        "is rejected", "is accepted", "is listed", "are listed", "is downloaded", "equals", "is set to",
        "changes to", "is not", "are not", "cannot",
    ]

    public static func warnings(then steps: [String]) -> [MeasurabilityWarning] {
        steps.enumerated().compactMap { index, step in
            isMeasurable(step) ? nil : MeasurabilityWarning(
                step: index, text: step, message: "This Then step has no measurable outcome",
                suggestion: "State what can be checked: a number with a unit (\"within 2 seconds\"), an HTTP status "
                    + "(\"responds 201\"), or an observable result (\"the order is listed\").")
        }
    }

    public static func isMeasurable(_ step: String) -> Bool {
        let wording = Wording(step.replacingOccurrences(of: "%", with: " % "))
        if hasHTTPStatus(wording.words) || hasQuantity(step, wording.words) { return true }
        return wording.first(of: outcomes) != nil
    }

    /// "status 404", "HTTP 201", "responds 200", "a 409": a three-digit code from 100 to 599.
    static func hasHTTPStatus(_ words: [Substring]) -> Bool {
        words.contains { word in word.count == 3 && Int(word).map { (100...599).contains($0) } == true }
    }

    /// A number followed by a unit ("200 ms", "3 items"), or one written with its unit ("200ms", "50%").
    static func hasQuantity(_ step: String, _ words: [Substring]) -> Bool {
        let unitSet = Set(units)
        for (index, word) in words.enumerated() {
            if Double(word) != nil, index + 1 < words.count, unitSet.contains(String(words[index + 1])) { return true }
            let digits = word.prefix { $0.isNumber || $0 == "." }
            if !digits.isEmpty, digits.count < word.count, unitSet.contains(String(word.dropFirst(digits.count))) { return true }
        }
        return step.contains("%") && step.contains { $0.isNumber }
    }
}
