import StoryRules
import Testing

struct InvestCheckTests {
    let good = StoryDraft(
        title: "Export orders as CSV", description: "Shops download their orders for accounting.",
        asA: "shop owner", iWant: "to download my orders as a CSV file", soThat: "my accountant can import them",
        storyPoints: 5)

    func criteria(_ story: StoryDraft) -> [InvestWarning.Criterion] {
        InvestCheck.warnings(for: story).map(\.criterion)
    }

    @Test("a well-formed story has no warnings")
    func wellFormed() {
        #expect(InvestCheck.warnings(for: good).isEmpty)
    }

    enum Field: Sendable {
        case title, description, asA, iWant, soThat
    }

    @Test("each rule fires on what it names, and only on it", arguments: [
        (Field.description, "This depends on the billing rewrite.", InvestWarning.Criterion.independent),
        (.description, "Blocked by PAY-12.", .independent),
        (.iWant, "a pixel-perfect copy of the mock-up", .negotiable),
        (.description, "We must use the legacy exporter.", .negotiable),
        (.iWant, "", .negotiable),
        (.asA, "", .valuable),
        (.soThat, "", .valuable),
        (.soThat, "TBD", .valuable),
        (.soThat, "n/a", .valuable),
        (.description, "Investigate which format accountants use.", .estimable),
        (.title, "Spike: CSV libraries", .estimable),
        (.description, "Roll it out across the entire platform.", .small),
        (.description, "Needs multiple teams.", .small),
        (.iWant, "to download my orders quickly", .testable),
        (.soThat, "exporting is seamless", .testable),
        (.iWant, "a user-friendly export", .testable),
    ] as [(Field, String, InvestWarning.Criterion)])
    func rule(field: Field, text: String, criterion: InvestWarning.Criterion) {
        var story = good
        switch field {
        case .title: story.title = text
        case .description: story.description = text
        case .asA: story.asA = text
        case .iWant: story.iWant = text
        case .soThat: story.soThat = text
        }
        #expect(criteria(story).contains(criterion), "\(text)")
        #expect(criteria(story).allSatisfy { $0 == criterion || ($0 == .estimable && text == "TBD") }, "\(criteria(story))")
    }

    @Test("words inside other words do not count")
    func wholeWords() {
        var story = good
        story.description = "Served at breakfast; the spiked graph is unrelated; dependable exports."
        story.iWant = "to download my orders as a CSV file, steadfastly"
        #expect(InvestCheck.warnings(for: story).isEmpty)
    }

    @Test("13 points or more is too large for a story, not for an epic")
    func size() {
        var story = good
        story.storyPoints = 13
        #expect(criteria(story) == [.small])
        story.isEpic = true
        #expect(criteria(story).isEmpty)
        story.storyPoints = 8
        story.isEpic = false
        #expect(criteria(story).isEmpty)
    }

    @Test("every warning says why and what to do")
    func content() throws {
        var story = good
        story.iWant = "fast exports"
        let warning = try #require(InvestCheck.warnings(for: story).first)
        #expect(warning.details.contains("fast"))
        #expect(!warning.suggestion.isEmpty)
        #expect(warning.source == "heuristic")
    }
}
