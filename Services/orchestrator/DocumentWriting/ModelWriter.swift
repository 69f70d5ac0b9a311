import Foundation
import KinexusEvents

/// Documentation written by a language model from the ticket's context, the page as it stands and the
/// reviewer's feedback. Prompts are bounded: a long description or page is cut, with a note saying so,
/// rather than sent whole to a model that would refuse it or bill for it.
public struct ModelWriter: TextGenerator {
    let model: any LanguageModel
    let promptLimit: Int

    public init(model: any LanguageModel, promptLimit: Int = 24_000) {
        self.model = model
        self.promptLimit = promptLimit
    }

    static let system = """
        You are a technical writer. You write documentation pages in GitHub-flavoured markdown for engineers \
        who use the system. Answer with the page only: no preamble, no closing remarks, no code fence around it.
        """

    public func newDocument(for change: ChangeDetected, title: String) async throws -> String {
        try await write(title: title, prompt: """
            Write a new documentation page titled "\(title)" for the change below. Start with "# \(title)", then \
            these sections as `## ` headings, in order: Overview, Purpose, Implementation Details, Usage, \
            Examples, Impact, Notes. Use only facts from the change; where it says nothing, say so briefly.

            \(context(of: change, budget: promptLimit / 2))
            """)
    }

    public func updatedDocument(_ previous: String, for change: ChangeDetected, title: String) async throws -> String {
        try await write(title: title, prompt: """
            Update the documentation page below for the change that follows it. Make minimal edits: keep the \
            page's title, headings, order and wording wherever the change does not affect them, and add to \
            Notes one line naming \(change.ticketKey).

            The page:
            \(bounded(previous, to: promptLimit / 2))

            The change:
            \(context(of: change, budget: promptLimit / 3))
            """)
    }

    public func revisedDocument(_ previous: String, feedback: String, reviewer: String) async throws -> String {
        try await write(title: nil, prompt: """
            A reviewer asked for changes to the documentation page below. Revise the page to answer the \
            feedback, keeping everything the feedback does not concern as it is.

            The feedback from \(reviewer.isEmpty ? "the reviewer" : reviewer):
            \(bounded(feedback, to: promptLimit / 6))

            The page:
            \(bounded(previous, to: promptLimit * 2 / 3))
            """)
    }

    /// The model writes the article from the tickets and their answers, citing them; the Sources section is
    /// Kinexus's own, so every ticket the request carried is listed whatever the model cited.
    public func article(for request: KnowledgeArticleRequested, previous: String?) async throws -> String {
        let title = KnowledgeArticleSources.oneLine(request.question)
        let tickets = request.tickets.map { ticket in
            "Ticket \(ticket.ticketID)" + (ticket.customerTier.map { " (\($0) customer)" } ?? "") + "\nSubject: \(ticket.subject)\n"
                + "Description:\n\(bounded(ticket.description, to: 1_500))\n"
                + "Agent's answer:\n\(ticket.answer.map { bounded($0, to: 2_000) } ?? "none recorded")"
        }.joined(separator: "\n\n")
        let task = previous.map { """
            Customers asked again what the knowledge-base article below should answer. Update it for the \
            tickets that follow, keeping its title and whatever the tickets do not concern.

            The article:
            \(bounded($0, to: promptLimit / 3))
            """ } ?? """
            Write a knowledge-base article titled "\(title)" that answers the question customers asked in the \
            support tickets below. Start with "# \(title)". Answer from the agents' answers only; where no \
            ticket has one, write a line starting "> **For the author:**" where the answer belongs instead of \
            inventing one.
            """
        let written = try await write(title: title, prompt: """
            \(task)
            Cite every ticket you draw on as (ticket ID). Do not write a Sources section: one is added.

            The tickets:
            \(bounded(tickets, to: promptLimit / 2))
            """)
        var page = MarkdownSections(written)
        page.set(KnowledgeArticleSources.heading, to: KnowledgeArticleSources.section(request.tickets))
        return page.markdown
    }

    /// Asks the model which page to update; an answer that names no listed page falls back to keyword overlap.
    public func relatedPage(for change: ChangeDetected, among candidates: [RelatedPage]) async throws -> RelatedPage? {
        guard !candidates.isEmpty else { return nil }
        let list = candidates.enumerated().map { "\($0.offset + 1). \($0.element.title)" }.joined(separator: "\n")
        let answer = try await model.complete(system: "You file documentation. Answer with a single number.", prompt: bounded("""
            A change needs documenting. Should it update one of these existing pages, or get a new page?
            Answer with the page's number to update it, or 0 for a new page.

            Pages:
            \(list)

            The change:
            \(context(of: change, budget: promptLimit / 2))
            """, to: promptLimit))
        let number = answer.split { !$0.isNumber }.first.flatMap { Int($0) }
        guard let number, number <= candidates.count else {
            return KeywordOverlap.choose(for: change.summary, components: change.components, among: candidates)
        }
        return number == 0 ? nil : candidates[number - 1]
    }

    private func write(title: String?, prompt: String) async throws -> String {
        let answer = Self.unfenced(try await model.complete(system: Self.system, prompt: bounded(prompt, to: promptLimit)))
        guard !answer.isEmpty else { throw EmptyAnswer() }
        if let title, !answer.hasPrefix("# ") { return "# \(title)\n\n" + answer + "\n" }
        return answer + "\n"
    }

    struct EmptyAnswer: Error, CustomStringConvertible {
        var description: String { "the language model answered with no text" }
    }

    func context(of change: ChangeDetected, budget: Int) -> String {
        var lines = [
            "Ticket: \(change.ticketKey) (\(change.ticketType), priority \(change.priority ?? "unset"))",
            "Summary: \(change.summary)",
            "Documentation type: \(change.documentationType)",
        ]
        if !change.labels.isEmpty { lines.append("Labels: " + change.labels.joined(separator: ", ")) }
        if !change.components.isEmpty { lines.append("Components: " + change.components.joined(separator: ", ")) }
        if !change.fixVersions.isEmpty { lines.append("Fix versions: " + change.fixVersions.joined(separator: ", ")) }
        if !change.apiPaths.isEmpty { lines.append("API endpoints: " + change.apiPaths.joined(separator: ", ")) }
        if !change.acceptanceCriteria.isEmpty {
            lines.append("Acceptance criteria:\n" + change.acceptanceCriteria.map { "- " + $0 }.joined(separator: "\n"))
        }
        if !change.docComments.isEmpty {
            lines.append("Comments about documentation:\n" + change.docComments.map { "- " + $0 }.joined(separator: "\n"))
        }
        let header = lines.joined(separator: "\n")
        return header + "\nDescription:\n" + bounded(change.description, to: max(budget - header.count, 200))
    }

    /// Cuts text to `limit` characters at a line break where one is near, and says that it did.
    func bounded(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        let marker = "\n[… cut: \(text.count - limit) more characters not shown]"
        var kept = String(text.prefix(max(limit - marker.count, 0)))
        if let lastBreak = kept.lastIndex(of: "\n"), kept.distance(from: lastBreak, to: kept.endIndex) < 400 {
            kept = String(kept[..<lastBreak])
        }
        return kept + marker
    }

    /// Models often wrap the page in a ```markdown fence despite being asked not to.
    static func unfenced(_ answer: String) -> String {
        var text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```"), text.hasSuffix("```"), let firstBreak = text.firstIndex(of: "\n") {
            text = String(text[text.index(after: firstBreak)..<text.index(text.endIndex, offsetBy: -3)])
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
