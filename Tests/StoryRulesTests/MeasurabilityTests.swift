import StoryRules
import Testing

struct MeasurabilityTests {
    @Test("measurable Then steps", arguments: [
        "the export finishes within 2 seconds",
        "the page loads in 200ms",
        "the API responds 201",
        "the server answers with status 409",
        "50% of the rows are highlighted",
        "the order is listed in the history",
        "the customer receives a confirmation e-mail",
        "an error message says the file is too large",
        "the CSV contains a header row",
        "the file has 3 rows",
    ])
    func measurable(step: String) {
        #expect(Measurability.isMeasurable(step))
    }

    @Test("steps with no measure", arguments: [
        "it works well",
        "the export is fast",
        "the user is happy",
        "performance is good",
        "the system handles 3",
    ])
    func notMeasurable(step: String) {
        #expect(!Measurability.isMeasurable(step))
    }

    @Test("warnings name each unmeasurable step by position, with a suggestion")
    func warnings() {
        let warnings = Measurability.warnings(then: ["the API responds 200", "it is fast", "the row is saved", "nice"])
        #expect(warnings.map(\.step) == [1, 3])
        #expect(warnings.map(\.text) == ["it is fast", "nice"])
        #expect(warnings.allSatisfy { $0.suggestion.contains("within 2 seconds") })
    }
}
