import KinexusEvents

/// The tickets behind a knowledge article, as its Sources section lists them: a reviewer checks the article
/// against them, and the gap's page links back.
enum KnowledgeArticleSources {
    static let heading = "Sources"

    static func section(_ tickets: [KnowledgeArticleRequested.Ticket]) -> String {
        tickets.map { ticket in
            "- Ticket \(ticket.ticketID)" + (ticket.customerTier.map { " (\($0) customer)" } ?? "") + ": "
                + oneLine(ticket.subject) + (ticket.answer == nil ? "" : " — answered")
        }.joined(separator: "\n")
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
