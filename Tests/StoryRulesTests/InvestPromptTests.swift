import StoryRules
import Testing

/// The INVEST question to a model and the reading of its answer.
struct InvestPromptTests {
    @Test func thePromptCarriesTheStoryAsJSON() {
        let prompt = InvestPrompt.prompt(for: StoryDraft(title: "Export", asA: "owner", iWant: "a \"CSV\"", soThat: "x", storyPoints: 3))
        #expect(prompt.contains(#""i_want":"a \"CSV\"""#))
        #expect(prompt.contains(#""story_points":3"#))
        #expect(InvestPrompt.prompt(for: StoryDraft(title: "Export")).contains("story_points") == false)
    }

    @Test func answersAreReadWithOrWithoutAFence() throws {
        let bare = try InvestPrompt.warnings(from: #"{"warnings": [{"criterion": "small", "message": "Too big"}]}"#)
        #expect(bare == [InvestWarning(criterion: .small, message: "Too big", details: "", suggestion: "", source: "llm")])
        #expect(try InvestPrompt.warnings(from: "```json\n{\"warnings\": []}\n```") == [])
    }

    @Test(arguments: ["The story looks fine.", #"{"warnings": [{"criterion": "lovely", "message": "?"}]}"#, #"{"problems": []}"#])
    func unusableAnswersThrow(answer: String) {
        #expect(throws: InvestPrompt.UnreadableAnswer.self) { try InvestPrompt.warnings(from: answer) }
    }
}
