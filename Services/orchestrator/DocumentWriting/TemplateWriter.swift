import Foundation
import KinexusEvents

/// The embedded default: documentation assembled from the ticket's own context, deterministic and offline.
public struct TemplateWriter: TextGenerator {
    public init() {}

    public func newDocument(for change: ChangeDetected, title: String) async throws -> String {
        var page = MarkdownSections("# \(title)\n")
        for (heading, body) in sections(for: change) {
            page.set(heading, to: body)
        }
        return page.markdown
    }

    public func updatedDocument(_ previous: String, for change: ChangeDetected, title: String) async throws -> String {
        var page = MarkdownSections(previous)
        for (heading, body) in sections(for: change) where heading != "Notes" {
            page.set(heading, to: body)
        }
        // The same change applied again says nothing new: the text stays as it is.
        let note = "- Updated for \(change.ticketKey): \(change.summary)"
        let earlierNotes = page.body(of: "Notes") ?? ""
        if earlierNotes.split(separator: "\n").last.map(String.init) != note {
            page.set("Notes", to: earlierNotes.isEmpty ? note : earlierNotes + "\n" + note)
        }
        return page.markdown
    }

    public func revisedDocument(_ previous: String, feedback: String, reviewer: String) async throws -> String {
        var page = MarkdownSections(previous)
        let earlier = page.body(of: "Review feedback").map { $0 + "\n" } ?? ""
        let quoted = feedback.split(separator: "\n").map { "  > " + $0 }.joined(separator: "\n")
        page.set("Review feedback", to: earlier + "- \(reviewer.isEmpty ? "A reviewer" : reviewer) asked:\n" + quoted)
        return page.markdown
    }

    public func relatedPage(for change: ChangeDetected, among candidates: [RelatedPage]) async throws -> RelatedPage? {
        KeywordOverlap.choose(for: change.summary, components: change.components, among: candidates)
    }

    func sections(for change: ChangeDetected) -> [(String, String)] {
        let paragraphs = change.description.components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let overview = ([change.summary.hasSuffix(".") ? change.summary : change.summary + "."] + paragraphs.prefix(1))
            .joined(separator: "\n\n")
        var details: [String] = Array(paragraphs.dropFirst())
        if !change.components.isEmpty { details.append("Components: \(change.components.joined(separator: ", ")).") }
        if !change.fixVersions.isEmpty { details.append("Released in: \(change.fixVersions.joined(separator: ", ")).") }
        let usage: String = if !change.apiPaths.isEmpty {
            change.apiPaths.map { "- `\($0)`" }.joined(separator: "\n")
        } else if !change.acceptanceCriteria.isEmpty {
            change.acceptanceCriteria.map { "- \($0)" }.joined(separator: "\n")
        } else {
            "See the overview."
        }
        let examples: String = if !change.apiPaths.isEmpty {
            change.apiPaths.map { endpoint in
                let parts = endpoint.split(separator: " ", maxSplits: 1)
                return "```sh\ncurl -X \(parts[0]) \"$BASE_URL\(parts.count > 1 ? String(parts[1]) : "/")\"\n```"
            }.joined(separator: "\n\n")
        } else if !change.acceptanceCriteria.isEmpty {
            "```gherkin\n" + change.acceptanceCriteria.joined(separator: "\n") + "\n```"
        } else {
            "No examples were given in \(change.ticketKey)."
        }
        let impact = switch change.documentationType {
        case "breaking-change": "**Breaking change.** Clients must be updated before upgrading."
        case "api": "Changes the API surface listed under Usage."
        case "feature": "Adds new behaviour; existing behaviour is unchanged."
        default: "No change to existing interfaces."
        }
        var notes = change.docComments.map { "- " + $0.replacingOccurrences(of: "\n", with: " ") }
        notes.append("- Source: \(change.ticketKey)" + (change.url.map { " (\($0))" } ?? ""))
        let purpose = switch change.documentationType {
        case "breaking-change": "Explains what \(change.ticketKey) breaks and how to move to the new behaviour."
        case "api": "Describes the API surface \(change.ticketKey) introduces or changes, for the clients that call it."
        case "feature": "Explains the feature \(change.ticketKey) adds and when to use it."
        default: "Records what \(change.ticketKey) changed, for the people who build on it."
        }
        return [
            ("Overview", overview),
            ("Purpose", purpose),
            ("Implementation Details", details.isEmpty ? "No further details were recorded." : details.joined(separator: "\n\n")),
            ("Usage", usage),
            ("Examples", examples),
            ("Impact", impact),
            ("Notes", notes.joined(separator: "\n")),
        ]
    }
}

extension TemplateWriter {
    /// The article as the tickets give it: their question, the answers agents recorded (each cited), how
    /// customers put it, and the sources; with no answer recorded, a marked place for the author to write it.
    public func article(for request: KnowledgeArticleRequested, previous: String?) async throws -> String {
        var page = MarkdownSections(previous ?? "# \(KnowledgeArticleSources.oneLine(request.question))\n")
        let tiers = Set(request.tickets.compactMap(\.customerTier)).sorted()
        let asked = request.tickets.first.map { $0.description.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        page.set("Question", to: [asked.isEmpty ? KnowledgeArticleSources.oneLine(request.question) : asked,
                                  "Asked in \(request.tickets.count) ticket\(request.tickets.count == 1 ? "" : "s")"
                                      + (tiers.isEmpty ? "." : " by \(tiers.joined(separator: ", ")) customers.")]
            .joined(separator: "\n\n"))
        var answers: [(answer: String, tickets: [String])] = []
        for ticket in request.tickets {
            guard let answer = ticket.answer?.trimmingCharacters(in: .whitespacesAndNewlines), !answer.isEmpty else { continue }
            if let same = answers.firstIndex(where: { $0.answer == answer }) {
                answers[same].tickets.append(ticket.ticketID)
            } else {
                answers.append((answer, [ticket.ticketID]))
            }
        }
        page.set("Answer", to: answers.isEmpty
            ? "> **For the author:** no agent has recorded an answer to these tickets yet. Write the answer here before approving."
            : answers.map { "\($0.answer)\n\n(As answered in ticket\($0.tickets.count == 1 ? "" : "s") \($0.tickets.joined(separator: ", ")).)" }
                .joined(separator: "\n\n"))
        page.set("How customers put it", to: request.tickets.map { "- \(KnowledgeArticleSources.oneLine($0.subject))" }
            .joined(separator: "\n"))
        page.set(KnowledgeArticleSources.heading, to: KnowledgeArticleSources.section(request.tickets))
        return page.markdown
    }
}
