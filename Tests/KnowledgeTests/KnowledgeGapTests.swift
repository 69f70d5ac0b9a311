@testable import CustomerContexts
import Foundation
import NIOCore
import KinexusServiceKit
import HummingbirdTesting
import HTTPTypes
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KnowledgeIndexing
import KinexusTestSupport
@testable import KnowledgeBase
import PostgresNIO
import SupportQueries
import SupportRules
import Testing

/// Knowledge gaps against the demo knowledge base: tickets it does not answer, grouped by topic
/// (`Tests/Fixtures/knowledge-gaps.json`).
extension KnowledgeBaseTests {
    struct GapTopics: Decodable {
        struct Topic: Decodable {
            let topic: String
            let tickets: [Calibration.Ticket]
        }

        let topics: [Topic]

        static func load() throws -> [Topic] {
            let url = corpus.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Tests/Fixtures/knowledge-gaps.json")
            return try JSONDecoder().decode(GapTopics.self, from: Data(contentsOf: url)).topics
        }
    }

    static let ticketsReceived = Topic(source: "kinexus.support", detailType: TicketReceived.detailType).streamKey

    func received(_ ticket: Calibration.Ticket, from customer: String) -> TicketReceived {
        TicketReceived(ticketID: TestEnvironment.unique("T"), customerExternalID: customer, subject: ticket.subject,
                       description: ticket.description, channel: "email", priority: "medium", createdAt: "2026-12-06T09:00:00Z")
    }

    @Test func unansweredTicketsOfATopicMakeOneGapAndEveryOtherTopicItsOwn() async throws {
        try await withSupport { support in
            _ = try await indexDemoKnowledge(KnowledgeStore(client: support.postgres, logger: logger))
            let enterprise = try await customer(support.postgres, tier: "enterprise", lifetimeValue: 20_000, orders: 2)
            let pro = try await customer(support.postgres, tier: "pro", lifetimeValue: 900, orders: 1)
            let topics = try GapTopics.load()
            var ticketsOfTopic: [[TicketReceived]] = []
            for topic in topics {
                ticketsOfTopic.append(topic.tickets.enumerated().map { index, ticket in received(ticket, from: index == 1 ? pro : enterprise) })
            }
            let answered = received(Calibration.Ticket(subject: "Cancel subscription", description: "How do I cancel our subscription?",
                                                       answer: "cancellation.md"), from: pro)
            for ticket in ticketsOfTopic.joined() + [answered] { try await support.publisher.publish(ticket, source: .support) }
            #expect(await handled(Self.ticketsReceived, by: support.group, support.redis))

            #expect(try await support.records.gap(ofTicket: answered.ticketID) == nil)
            var gapOfTopic: [UUID] = []
            for (topic, tickets) in zip(topics, ticketsOfTopic) {
                let gaps = try await tickets.asyncMap { try await support.records.gap(ofTicket: $0.ticketID) }
                #expect(Set(gaps).count == 1 && gaps.first != nil, "\(topic.topic): \(gaps)")
                let gapID = try #require(gaps.first ?? nil)
                let gap = try #require(try await support.records.gap(gapID, ticketLimit: 100))
                #expect(gap.summary.ticketCount == 3 && gap.summary.customers == 2 && gap.summary.tiers == ["enterprise", "pro"])
                #expect(gap.summary.status == "drafting", "three tickets from two customers draft the article")
                // Handled concurrently: whichever ticket came first opened the gap, and asks its question.
                #expect(tickets.contains { gap.summary.question == $0.subject + "\n" + $0.description })
                #expect(Set(gap.tickets.map(\.ticketID)) == Set(tickets.map(\.ticketID)))
                #expect(gap.tickets.allSatisfy { $0.reason == "low_relevance" && $0.bestRelevance < 0.24 })
                gapOfTopic.append(gap.summary.gapID)
            }
            #expect(Set(gapOfTopic).count == topics.count)
            #expect(try await support.records.gaps(offset: 0, limit: 10).count == topics.count)

            // The same ticket again — sent twice by a client, or its event redelivered after the placement — counts once.
            let first = ticketsOfTopic[0][0]
            try await support.publisher.publish(first, source: .support)
            #expect(await handled(Self.ticketsReceived, by: support.group, support.redis))
            let again = try await support.service.enricher.gaps.place(.init(
                ticketID: first.ticketID, question: "anything", embedding: [1], reason: .lowRelevance, bestRelevance: 0, seenAt: Date()))
            #expect(again == .alreadyPlaced(gapOfTopic[0]))
            #expect(try await support.records.gap(gapOfTopic[0], ticketLimit: 100)?.summary.ticketCount == 3)
            let requested = try await articleRequests(support.redis).filter { gapOfTopic.contains(UUID(uuidString: $0.gapID) ?? UUID()) }
            #expect(requested.count == topics.count && Set(requested.map(\.gapID)).count == topics.count)
            #expect(requested.allSatisfy { $0.draft == 1 && $0.tickets.count == 3 && $0.requestedBy == "threshold" })
        }
    }

    /// One customer's three tickets on a topic make a gap but draft nothing; an agent asks through the API,
    /// once; the gap then follows its article: in review, open again when rejected, closed when published.
    @Test func theGapAPIShowsGapsAndAnAgentsRequestDraftsTheArticleOnce() async throws {
        try await withSupport { support in
            _ = try await indexDemoKnowledge(KnowledgeStore(client: support.postgres, logger: logger))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
                let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(KnowledgeService.token)"]
                return try await support.client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
                    ($0.status, (try? JSONValue(parsing: Array(buffer: $0.body))) ?? .null)
                }
            }
            let tickets = try GapTopics.load()[3].tickets.map { received($0, from: "one-customer") }
            for ticket in tickets { try await support.publisher.publish(ticket, source: .support) }
            #expect(await handled(Self.ticketsReceived, by: support.group, support.redis))
            let listed = try await send(.get, "/knowledge-gaps")
            let gaps = try #require(listed.json["gaps"]?.arrayValue)
            #expect(gaps.count == 1 && gaps.first?["ticket_count"] == 3 && gaps.first?["customers"] == 1)
            #expect(gaps.first?["status"] == "open", "one customer's tickets do not draft an article by themselves")
            let gap = try #require(gaps.first?["gap_id"]?.stringValue)
            let shown = try await send(.get, "/knowledge-gaps/\(gap)")
            let questions: [String] = tickets.map { $0.subject + "\n" + $0.description }
            #expect(questions.contains(shown.json["gap"]?["question"]?.stringValue ?? ""))
            let gapTickets = shown.json["tickets"]?.arrayValue ?? []
            #expect(gapTickets.count == 3 && gapTickets.allSatisfy { $0["reason"] == "low_relevance" })
            #expect(try await send(.get, "/knowledge-gaps/\(UUID())").status == .notFound)
            #expect(try await send(.get, "/knowledge-gaps/not-a-gap").status == .notFound)
            #expect(try await send(.post, "/knowledge-gaps/\(gap)/draft", #"{"requested_by": "a\u0000"}"#).status == .badRequest)
            #expect(try await send(.post, "/knowledge-gaps/\(UUID())/draft").status == .notFound)

            #expect(try await send(.post, "/knowledge-gaps/\(gap)/draft", #"{"requested_by": "ana"}"#).status == .accepted)
            let drafting = Topic(source: "kinexus.support", detailType: KnowledgeGapDraftRequested.detailType).streamKey
            #expect(await handled(drafting, by: support.group, support.redis))
            let requested = try await articleRequests(support.redis).filter { $0.gapID == gap }
            #expect(requested.count == 1 && requested.first?.requestedBy == "ana" && requested.first?.draft == 1)
            let again = try await send(.post, "/knowledge-gaps/\(gap)/draft", #"{"requested_by": "ana"}"#)
            #expect(again.status == .conflict && again.json["error"] == "the gap's article is already drafting")

            let document = UUID().uuidString.lowercased()
            let generated = DocumentGenerated(documentID: document, version: 1, changeID: nil, title: "Audit log", ticketKey: gap,
                                              origin: "knowledge_gap")
            try await support.publisher.publish(generated, source: .orchestrator)
            #expect(try await eventually { try await send(.get, "/knowledge-gaps/\(gap)").json["gap"]?["status"] == "in_review" })
            try await support.publisher.publish(DocumentRejected(documentID: document, reviewID: "r", reason: "wrong", reviewer: "rui"),
                                                source: .approval)
            #expect(try await eventually { try await send(.get, "/knowledge-gaps/\(gap)").json["gap"]?["status"] == "open" })
            try await support.publisher.publish(KnowledgeGapDraftRequested(gapID: gap, requestedBy: "ana"), source: .support)
            #expect(try await eventually { try await articleRequests(support.redis).filter { $0.gapID == gap }.map(\.draft) == [1, 2] })
            try await support.publisher.publish(DocumentGenerated(documentID: document, version: 2, changeID: nil, title: "Audit log",
                                                                  ticketKey: gap, origin: "knowledge_gap"), source: .orchestrator)
            try await support.publisher.publish(DocumentationPublished(documentID: document, version: 2, title: "Audit log", pageID: "p",
                                                                       pageURL: "http://kinexus.test/pages/audit-log"), source: .approval)
            #expect(try await eventually { try await send(.get, "/knowledge-gaps/\(gap)").json["gap"]?["status"] == "closed" })
            #expect(try await send(.get, "/knowledge-gaps/\(gap)").json["gap"]?["page_url"] == "http://kinexus.test/pages/audit-log")
            let closed = try await send(.post, "/knowledge-gaps/\(gap)/draft", #"{"requested_by": "ana"}"#)
            #expect(closed.status == .conflict)
        }
    }

    /// Twenty tickets of the longest description the API takes, in four-byte characters: the request for their
    /// article still fits in an event, each text cut with a note saying so.
    @Test func anArticleRequestOfTheLongestTicketsFitsInAnEvent() async throws {
        try await withSupport { support in
            let moons = String(repeating: "🌙", count: 49_960), answer = String(repeating: "🌙", count: 20_000)
            let tickets = (0..<20).map { index in
                TicketReceived(ticketID: TestEnvironment.unique("T"), customerExternalID: "night-owl", subject: "Dark mode",
                               description: "Is there a dark mode for the dashboard? " + moons, channel: "email", priority: "medium",
                               createdAt: "2026-12-06T09:00:00Z")
            }
            for ticket in tickets { try await support.publisher.publish(ticket, source: .support) }
            #expect(await handled(Self.ticketsReceived, by: support.group, support.redis))
            let gap = try #require(try await support.records.gap(ofTicket: tickets[0].ticketID))
            #expect(try await support.records.gap(gap, ticketLimit: 100)?.summary.ticketCount == 20)
            for ticket in tickets {
                try await support.publisher.publish(TicketResolved(ticketID: ticket.ticketID, answer: answer, resolvedBy: "ana"), source: .support)
            }
            let resolved = Topic(source: "kinexus.support", detailType: TicketResolved.detailType).streamKey
            #expect(await handled(resolved, by: support.group, support.redis))
            try await support.publisher.publish(KnowledgeGapDraftRequested(gapID: gap.uuidString.lowercased(), requestedBy: "ana"),
                                                source: .support)
            let request = try #require(try await eventually {
                try await articleRequests(support.redis).first { $0.gapID == gap.uuidString.lowercased() }
            })
            #expect(request.tickets.count == 20)
            #expect(request.tickets.allSatisfy { $0.description.hasSuffix("[… Kinexus cut this description: it was 50000 characters]") })
            #expect(request.tickets.allSatisfy { $0.answer?.hasSuffix("[… Kinexus cut this answer: it was 20000 characters]") == true })
            #expect(try EncodedLength.of(JSONValue(encoding: request).jsonText) < EventEnvelope.maximumSize - 4_096)
        }
    }

    func articleRequests(_ redis: RedisClient) async throws -> [KnowledgeArticleRequested] {
        let stream = Topic(source: "kinexus.support", detailType: KnowledgeArticleRequested.detailType).streamKey
        return try StreamEntry.parseEntries(try await redis.send("XRANGE", stream, "-", "+"), stream: stream)
            .compactMap { try? $0.envelope().decodeDetail(as: KnowledgeArticleRequested.self) }
    }

    @Test func tenSimilarTicketsHandledAtOnceByTwoReplicasMakeOneGap() async throws {
        try await withSupport(replicas: 2) { support in
            _ = try await indexDemoKnowledge(KnowledgeStore(client: support.postgres, logger: logger))
            let question = try #require(try GapTopics.load().first { $0.topic == "dark mode" }?.tickets)
            let tickets = (0..<10).map { number in
                received(question[number % question.count], from: "customer-\(number % 4)")
            }
            try await withThrowingTaskGroup(of: Void.self) { publishing in
                for ticket in tickets { publishing.addTask { try await support.publisher.publish(ticket, source: .support) } }
                try await publishing.waitForAll()
            }
            #expect(await handled(Self.ticketsReceived, by: support.group, support.redis))
            let gaps = try await support.records.gaps(offset: 0, limit: 10)
            #expect(gaps.count == 1)
            #expect(gaps.first?.ticketCount == 10 && gaps.first?.customers == 4)
            let gapID = try #require(gaps.first?.gapID)
            #expect(try await support.records.gap(gapID, ticketLimit: 100)?.tickets.count == 10)
        }
    }

    @Test func placementsRacingOnTwoReplicasLedgersMakeOneGap() async throws {
        try await withSupport { support in
            let ledgers = (0..<2).map { _ in
                GapLedger(client: support.postgres, index: GapIndex(), similarityBound: 0.3, logger: logger)
            }
            let store = SupportStore(client: support.postgres, logger: logger)
            let tickets = try (0..<20).map { number in
                try TicketSubmission.parse(try JSONValue(encoding: received(
                    Calibration.Ticket(subject: "Dark mode \(number)", description: "Is there a dark mode?", answer: nil), from: "c")),
                    now: Date(), newID: { "" }).get()
            }
            for ticket in tickets { _ = try await store.recordTicket(ticket) }
            let placements = try await withThrowingTaskGroup(of: GapLedger.Placement.self) { placing in
                for (number, ticket) in tickets.enumerated() {
                    placing.addTask {
                        try await ledgers[number % 2].place(.init(
                            ticketID: ticket.ticketID, question: ticket.subject, embedding: FeatureHashingEmbedder().embed("dark mode"),
                            reason: .lowRelevance, bestRelevance: 0, seenAt: Date()))
                    }
                }
                return try await placing.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(placements.map(\.gap)).count == 1)
            #expect(placements.filter { if case .opened = $0 { true } else { false } }.count == 1)
            #expect(try await support.records.gaps(offset: 0, limit: 10).map(\.ticketCount) == [20])
        }
    }

    @Test func aTicketWhoseEverySuggestionWasRatedUnhelpfulJoinsAGap() async throws {
        try await withSupport { support in
            _ = try await indexDemoKnowledge(KnowledgeStore(client: support.postgres, logger: logger))
            let answered = received(Calibration.Ticket(subject: "Cancel subscription", description: "How do I cancel our subscription?",
                                                       answer: "cancellation.md"), from: "customer-1")
            let liked = received(Calibration.Ticket(subject: "Cancel my plan", description: "How do I cancel my subscription plan?",
                                                    answer: "cancellation.md"), from: "customer-2")
            for ticket in [answered, liked] { try await support.publisher.publish(ticket, source: .support) }
            #expect(await handled(Self.ticketsReceived, by: support.group, support.redis))
            let suggestions = try #require(try await support.records.ticket(answered.ticketID)?.response?.kbSuggestions)
            #expect(!suggestions.isEmpty)
            #expect(try await support.records.gap(ofTicket: answered.ticketID) == nil)

            for suggestion in suggestions {
                try await support.publisher.publish(
                    TicketFeedbackSubmitted(ticketID: answered.ticketID, rating: 1, helpful: false, suggestionSource: suggestion.source),
                    source: .support)
            }
            // Handled concurrently, feedback is placed as it stands when each rating arrives: the helpful one first.
            try await support.publisher.publish(TicketFeedbackSubmitted(ticketID: liked.ticketID, rating: 5, helpful: true), source: .support)
            let feedback = Topic(source: "kinexus.support", detailType: TicketFeedbackSubmitted.detailType).streamKey
            #expect(await handled(feedback, by: support.group, support.redis))
            try await support.publisher.publish(TicketFeedbackSubmitted(ticketID: liked.ticketID, rating: 2, helpful: false), source: .support)
            #expect(await handled(feedback, by: support.group, support.redis))

            let gapID = try #require(try await support.records.gap(ofTicket: answered.ticketID))
            let gap = try #require(try await support.records.gap(gapID, ticketLimit: 100))
            #expect(gap.tickets.map(\.reason) == ["rated_unhelpful"])
            #expect(gap.tickets.first?.bestRelevance ?? 0 >= 0.24)
            #expect(try await support.records.gap(ofTicket: liked.ticketID) == nil)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var mapped: [T] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}
