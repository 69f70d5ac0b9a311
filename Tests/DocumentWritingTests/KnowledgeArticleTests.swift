import DocumentWriting
import KinexusEvents
import Testing

/// A knowledge gap's article from the embedded writer: the question, the agents' answers each cited, how
/// customers put it, and every ticket behind it.
struct KnowledgeArticleTests {
    let answered = KnowledgeArticleRequested.Ticket(
        ticketID: "T-1", subject: "Dark mode", description: "Is there a dark mode for the dashboard?", customerTier: "pro",
        answer: "Settings → Appearance → Theme → Dark.")
    let alike = KnowledgeArticleRequested.Ticket(
        ticketID: "T-2", subject: "Dashboard dark mode", description: "How do I turn on dark mode?", customerTier: "enterprise",
        answer: "Settings → Appearance → Theme → Dark.")
    let open = KnowledgeArticleRequested.Ticket(
        ticketID: "T-3", subject: "Too bright\nat night", description: "The dashboard is too bright.", customerTier: nil, answer: nil)

    func request(_ tickets: [KnowledgeArticleRequested.Ticket]) -> KnowledgeArticleRequested {
        KnowledgeArticleRequested(gapID: "g", draft: 1, question: "Dark mode", tickets: tickets, requestedBy: "threshold")
    }

    @Test func theAnswersAgentsGaveAreWrittenOnceEachCitingItsTickets() async throws {
        let page = try await TemplateWriter().article(for: request([answered, alike, open]), previous: nil)
        #expect(page.split(separator: "\n").filter { $0.hasPrefix("#") }
            == ["# Dark mode", "## Question", "## Answer", "## How customers put it", "## Sources"])
        #expect(page.contains("Is there a dark mode for the dashboard?\n\nAsked in 3 tickets by enterprise, pro customers."))
        #expect(page.components(separatedBy: "Settings → Appearance → Theme → Dark.").count == 2)
        #expect(page.contains("(As answered in tickets T-1, T-2.)"))
        #expect(page.contains("- Ticket T-1 (pro customer): Dark mode — answered"))
        #expect(page.contains("- Ticket T-3: Too bright at night\n"))
        #expect(!page.contains("For the author"))
    }

    @Test func withNoAnswerRecordedTheArticleMarksWhereTheAuthorWritesIt() async throws {
        let page = try await TemplateWriter().article(for: request([open]), previous: nil)
        #expect(page.contains("> **For the author:** no agent has recorded an answer to these tickets yet."))
        #expect(page.contains("Asked in 1 ticket."))
    }

    @Test func aReopenedGapsArticleKeepsWhatTheReviewAddedAndGainsTheNewTickets() async throws {
        let writer = TemplateWriter()
        let published = try await writer.revisedDocument(try await writer.article(for: request([answered]), previous: nil),
                                                         feedback: "Say it is per user.", reviewer: "rui")
        let next = try await writer.article(for: request([answered, open]), previous: published)
        #expect(next.contains("Say it is per user."))
        #expect(next.contains("- Ticket T-3: Too bright at night"))
        #expect(try await writer.article(for: request([answered, open]), previous: next) == next, "the same tickets change nothing")
    }
}
