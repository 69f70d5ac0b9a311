@testable import Console
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusTestSupport
import Logging
import ServiceLifecycle
import Testing

/// The console's live updates: which pages a fact changes, and the feed that reads the facts off the bus.
struct ConsoleFeedTests {
    @Test func aFactNamesThePagesItChanges() throws {
        let review = try JSONValue(parsing: Array(#"{"review_id": "r1", "document_id": "d1", "version": 2}"#.utf8))
        #expect(FeedTopics.topics(detailType: "ReviewRequested", detail: review) == ["reviews", "review:r1", "document:d1"])
        let published = try JSONValue(parsing: Array(#"{"document_id": "d1"}"#.utf8))
        #expect(FeedTopics.topics(detailType: "DocumentationPublished", detail: published) == ["pages", "document:d1"])
        let ticket = try JSONValue(parsing: Array(#"{"ticket_id": "T-1"}"#.utf8))
        #expect(FeedTopics.topics(detailType: "TicketContextReady", detail: ticket) == ["tickets", "gaps", "ticket:T-1"])
        let article = try JSONValue(parsing: Array(#"{"document_id": "d1", "ticket_key": "g1", "origin": "knowledge_gap"}"#.utf8))
        #expect(FeedTopics.topics(detailType: "DocumentGenerated", detail: article) == ["gaps", "gap:g1"])
        let document = try JSONValue(parsing: Array(#"{"document_id": "d1", "ticket_key": "DOC-1", "origin": "jira"}"#.utf8))
        #expect(FeedTopics.topics(detailType: "DocumentGenerated", detail: document).isEmpty, "a review follows it")
        #expect(FeedTopics.topics(detailType: "ChangeDetected", detail: ticket).isEmpty, "not shown live")
        #expect(FeedTopics.topics(detailType: "CodegenCompleted", detail: .null) == ["tasks"], "a detail without its id")
    }

    @Test(.timeLimit(.minutes(1))) func everyOpenStreamHearsOfAFactPublishedAfterItOpened() async throws {
        // A database of its own: facts the other console tests publish would reach the feed too.
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: 15))
        let publisher = EventPublisher(redis: redis, account: "000000000000", region: "local")
        // The topic exists before the feed starts: the feed reads it from now on, not from its start.
        try await publisher.publish(TicketContextReady(ticketID: "before", customerExternalID: "c", churnRisk: nil, suggestionCount: 0, processingTimeMs: 1), source: .support)
        let feed = ConsoleFeed(redis: redis.configuration, logger: Logger(label: "test"))
        let first = feed.subscribe(), second = feed.subscribe()
        let group = ServiceGroup(services: [feed], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Published until both streams heard it: the feed reads from the moment its first read reaches Redis,
            // which a busy machine delays, so one publication could come before it.
            let publishing = Task {
                while !Task.isCancelled {
                    try await publisher.publish(TicketContextReady(ticketID: "after", customerExternalID: "c", churnRisk: nil, suggestionCount: 0,
                                                                   processingTimeMs: 1), source: .support)
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { publishing.cancel() }
            for stream in [first, second] {
                var heard: [String] = []
                for await topics in stream where !topics.isEmpty {
                    heard = topics
                    break
                }
                #expect(heard == ["tickets", "gaps", "ticket:after"])
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // A stopped feed ends its streams: draining one returns (whatever it still held), rather than hanging.
        for await _ in first {}
        await redis.shutdown()
    }
}
