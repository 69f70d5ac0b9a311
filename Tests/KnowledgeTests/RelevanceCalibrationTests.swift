import Foundation
import KnowledgeQueries
import KinexusSettings
import SupportQueries
import Testing

/// The relevance floor against the demo knowledge base: tickets it answers keep their answer among the
/// suggestions, tickets it does not answer get none (`Tests/Fixtures/relevance-calibration.json`,
/// docs/relevance.md).
extension KnowledgeBaseTests {
    struct Calibration: Decodable {
        struct Ticket: Decodable {
            let subject: String
            let description: String
            /// The demo document that answers it; nil when none does.
            let answer: String?
        }

        let tickets: [Ticket]

        static func load() throws -> Calibration {
            let url = corpus.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Tests/Fixtures/relevance-calibration.json")
            return try JSONDecoder().decode(Calibration.self, from: Data(contentsOf: url))
        }
    }

    @Test func theDefaultFloorKeepsTheDemoAnswersAndDropsWhatTheKnowledgeBaseDoesNotAnswer() async throws {
        let floor = try SupportSettings(environment: [:]).minimumRelevance
        try await withKnowledge { store, retriever, _ in
            _ = try await indexDemoKnowledge(store)
            var answered = 0, unanswered = 0, refused = 0
            let tickets = try Calibration.load().tickets
            for ticket in tickets {
                let all = try await retriever.search(ticket.subject + "\n" + ticket.description, count: 100)
                let suggested = try await retriever.search(ticket.subject + "\n" + ticket.description, count: 3, minimumRelevance: floor)
                #expect(suggested == Array(all.filter { ($0.relevance ?? 0) >= floor }.prefix(3)))
                let best = all.compactMap(\.relevance).max() ?? 0
                print("relevance \(String(format: "%.2f", best)) \(ticket.answer ?? "(not answered)"): \(ticket.subject)")
                if let answer = ticket.answer {
                    if suggested.contains(where: { $0.source == answer }) { answered += 1 }
                } else if suggested.isEmpty {
                    refused += 1
                }
                if ticket.answer == nil { unanswered += 1 }
            }
            let answerable = tickets.count - unanswered
            print("at the floor \(floor): \(answered) of \(answerable) answers suggested, \(refused) of \(unanswered) unanswered tickets without a suggestion")
            // Measured: 24 of 24 and 14 of 16 (left: "e-mail address" and "sign in" shared with the password page,
            // "service" with the status page). One more miss on either side is tolerated, so a chunker change can
            // move a borderline ticket.
            #expect(answered >= answerable - 1, "\(answered) of \(answerable) answers kept")
            #expect(refused >= unanswered - 3, "\(refused) of \(unanswered) unanswered tickets without a suggestion")
        }
    }

    @Test func aQuestionTheDemoKnowledgeBaseDoesNotCoverGetsNoSuggestion() async throws {
        let floor = try SupportSettings(environment: [:]).minimumRelevance
        try await withKnowledge { store, retriever, _ in
            _ = try await indexDemoKnowledge(store)
            let question = "Do you have a loyalty program?\nDo I collect reward points on my purchases?"
            #expect(try await retriever.search(question, count: 3).isEmpty == false)
            #expect(try await retriever.search(question, count: 3, minimumRelevance: floor).isEmpty)
            #expect(try await retriever.search("How do I cancel my subscription?", count: 3, minimumRelevance: floor).first?.source
                == "cancellation.md")
        }
    }

    @Test func theFloorIsARelevanceAndTheFusedScoresFloorIsRefused() throws {
        #expect(try SupportSettings(environment: ["KINEXUS_KB_MIN_RELEVANCE": "0.4"]).minimumRelevance == 0.4)
        #expect(throws: InvalidSetting.self) { try SupportSettings(environment: ["KINEXUS_KB_MIN_RELEVANCE": "1.5"]) }
        #expect(throws: InvalidSetting.self) { try SupportSettings(environment: ["KINEXUS_KB_MIN_SCORE": "0.5"]) }
    }

    @Test func aSuggestionStoredBeforeRelevanceWasMeasuredReadsWithoutOne() throws {
        let stored = #"{"content": "c", "score": 0.9, "source": "s", "metadata": {"title": "t", "heading": "h", "kind": "object", "chunk_id": 1}}"#
        #expect(try JSONDecoder().decode(KnowledgeRetriever.Hit.self, from: Data(stored.utf8)).relevance == nil)
    }
}
