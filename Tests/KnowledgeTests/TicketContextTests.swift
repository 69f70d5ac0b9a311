@testable import CustomerContexts
import Hummingbird
import HummingbirdTesting
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
@testable import KnowledgeBase
import KnowledgeIndexing
import Logging
import PostgresNIO
import SupportAPI
@testable import SupportQueries
import SupportRules
import Testing

/// customer-context on the bus (Redis database 10): tickets enriched with context and knowledge. In the
/// knowledge suite, which owns the `kb` tables the suggestions come from.
extension KnowledgeBaseTests {
    static let supportDatabase = 10
    /// customer-context's settings in these tests: a small cache, and the default relevance floor.
    static let supportSettings = ["KINEXUS_CONTEXT_CACHE_SIZE": "100", "KINEXUS_CONTEXT_CACHE_TTL": "60"]

    func withCustomerContext(
        _ body: @Sendable (EventPublisher, PostgresClient, RedisClient, CustomerContexts) async throws -> Void
    ) async throws {
        try await withCustomerContext { publisher, postgres, redis, contexts, _ in try await body(publisher, postgres, redis, contexts) }
    }

    /// customer-context consuming, and the ingress's support API on a router.
    func withCustomerContext(
        _ body: @Sendable (EventPublisher, PostgresClient, RedisClient, CustomerContexts, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withSupport { try await body($0.publisher, $0.postgres, $0.redis, $0.contexts, $0.client) }
    }

    /// What a support test works with: customer-context's replicas consuming as one group, and the API.
    struct Support: Sendable {
        let publisher: EventPublisher
        let postgres: PostgresClient
        let redis: RedisClient
        let contexts: CustomerContexts
        let client: any TestClientProtocol
        let group: String
        let records: SupportRecords
        let service: CustomerContextService
    }

    /// `replicas` customer-context replicas of one consumer group, each composed as its `main` composes it,
    /// the knowledge gaps emptied first.
    func withSupport(replicas: Int = 1, _ body: @Sendable (Support) async throws -> Void) async throws {
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.supportDatabase))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await Self.prepare(postgres, logger: logger)
            try await MigrationRunner(client: postgres, logger: logger).run(try CustomerContextService.migrations())
            try await postgres.query("DELETE FROM support.gap_tickets", logger: logger)
            try await postgres.query("DELETE FROM support.knowledge_gaps", logger: logger)
            let group = TestEnvironment.unique("customer-context")
            let services = try (0..<replicas).map { _ in
                try CustomerContextService(postgres: postgres, redis: redis, environment: Self.supportSettings, logger: logger)
            }
            let consumers = try services.enumerated().map { replica, service in
                var configuration = BusConfiguration(group: group, consumer: "\(group)-\(replica)")
                configuration.readBlock = .milliseconds(100)
                configuration.retryBaseDelay = .milliseconds(100)
                return try EventConsumer(redis: redis, configuration: configuration, subscriptions: try service.subscriptions(), logger: logger)
            }
            let contexts = services[0].enricher.contexts
            let publisher = EventPublisher(redis: redis, account: "000000000000", region: "local")
            let records = SupportRecords(client: postgres, logger: logger)
            let router = ServiceRuntime.router(logger: logger)
            router.group().add(middleware: APITokenAuthentication(apiToken: KnowledgeService.token)).addRoutes(
                SupportAPI(records: records, contexts: contexts, publisher: publisher, longestWait: .seconds(60)).routes)
            try await whileConsuming(consumers, logger: logger) {
                try await Application(router: router).test(.router) { client in
                    try await body(Support(publisher: publisher, postgres: postgres, redis: redis, contexts: contexts, client: client,
                                           group: group, records: records, service: services[0]))
                }
            }
            tasks.cancelAll()
        }
        await redis.shutdown()
    }

    /// A customer with `orders` orders, a day apart, the newest yesterday.
    func customer(_ postgres: PostgresClient, tier: String, lifetimeValue: Double, orders: Int) async throws -> String {
        let external = TestEnvironment.unique("cust")
        let id = UUID()
        try await postgres.query("""
            INSERT INTO support.customers (customer_id, external_id, email, name, company, tier, lifetime_value)
            VALUES (\(id), \(external), 'ana@example.com', 'Ana Lima', 'Acme', \(tier), \(lifetimeValue))
            """, logger: logger)
        for day in 1...max(orders, 1) where orders > 0 {
            try await postgres.query("""
                INSERT INTO support.orders (customer_id, order_number, status, total_amount, order_date, metadata)
                VALUES (\(id), \("A-\(day)"), 'delivered', \(Double(day) * 10), now() - make_interval(days => \(day)::int), '{"items": 2}')
                """, logger: logger)
        }
        return external
    }

    func response(_ ticketID: String, _ postgres: PostgresClient) async throws -> JSONValue? {
        var found: JSONValue?
        _ = try await eventually(every: .milliseconds(30)) {
            let text = try await SupportRecords(client: postgres, logger: logger).response(ticketID: ticketID)
            found = try text.map { try JSONValue(parsing: Array($0.utf8)) }
            return found != nil
        }
        return found
    }

    func ticket(_ customer: String, subject: String) -> TicketReceived {
        TicketReceived(ticketID: TestEnvironment.unique("T"), customerExternalID: customer, subject: subject,
                       description: "Order A-1 arrived damaged.", channel: "email", priority: "high",
                       createdAt: "2026-11-22T10:00:00+01:00")
    }

    @Test func aTicketGetsItsCustomersContextAndSuggestions() async throws {
        try await withCustomerContext { publisher, postgres, redis, contexts in
            let store = KnowledgeStore(client: postgres, logger: logger)
            let refunds = try String(contentsOf: Self.corpus.appendingPathComponent("refunds.md"), encoding: .utf8)
            _ = try await store.index(KnowledgeSource(kind: .page, location: "http://kinexus.test/pages/refund-policy",
                                                      title: "Refund policy", text: refunds), chunker: chunker, embedder: embedder)
            let customer = try await customer(postgres, tier: "enterprise", lifetimeValue: 12_500, orders: 6)
            let now = Date()
            for (days, sentiment) in [(40.0, -0.5), (35.0, -0.4)] {
                try await InteractionLog(redis: redis, timeToLive: .seconds(90 * 86_400)).add(
                    Interaction(at: now.addingTimeInterval(-days * 86_400), sentiment: sentiment, kind: "call", summary: "complaint"),
                    for: customer)
                try await contexts.invalidate(customer)
            }
            let received = ticket(customer, subject: "Damaged order, I want a refund")
            try await publisher.publish(received, source: .support)
            let answer = try #require(try await response(received.ticketID, postgres))
            let context = try #require(answer["customer_context"])
            #expect(context["external_id"] == .string(customer))
            #expect(context["tier"] == "enterprise" && context["is_high_value"] == true)
            #expect(context["total_orders"] == 6)
            #expect(context["recent_orders"]?.arrayValue?.map { $0["order_number"] } == ["A-1", "A-2", "A-3", "A-4", "A-5"])
            #expect(context["open_tickets"] == 1)
            #expect(context["avg_sentiment"] == .number(-0.45))
            #expect(context["churn_risk"] == "high")  // 3 (sentiment) + 1 (35 days) + 1 (enterprise)
            let suggestions = try #require(answer["kb_suggestions"]?.arrayValue)
            #expect(suggestions.count >= 1 && suggestions.count <= 3)
            #expect(suggestions.first?["source"] == "http://kinexus.test/pages/refund-policy")
            #expect(suggestions.first?["metadata"]?["heading"] == "Refund policy › Damaged or wrong items")

            let ready = Topic(source: "kinexus.support", detailType: "TicketContextReady").streamKey
            #expect(try await eventually {
                StreamEntry.parseEntries(try await redis.send("XRANGE", ready, "-", "+"), stream: ready)
                    .compactMap { try? $0.envelope().decodeDetail(as: TicketContextReady.self) }
                    .contains { $0.ticketID == received.ticketID && $0.churnRisk == "high" && $0.suggestionCount == suggestions.count }
            })
        }
    }

    @Test func anUnknownCustomersTicketStillGetsSuggestions() async throws {
        try await withCustomerContext { publisher, postgres, _, _ in
            let refunds = try String(contentsOf: Self.corpus.appendingPathComponent("refunds.md"), encoding: .utf8)
            _ = try await KnowledgeStore(client: postgres, logger: logger).index(
                KnowledgeSource(kind: .object, location: "refunds.md", title: "Refund policy", text: refunds), chunker: chunker, embedder: embedder)
            let received = ticket("nobody-\(UUID())", subject: "Refund for a damaged order")
            try await publisher.publish(received, source: .support)
            let answer = try #require(try await response(received.ticketID, postgres))
            #expect(answer["customer_context"] == .null)
            #expect(answer["kb_suggestions"]?.arrayValue?.first?["source"] == "refunds.md")
        }
    }

    @Test func aTicketEventTheAPIWouldRefuseIsDeadLettered() async throws {
        try await withCustomerContext { publisher, postgres, redis, _ in
            var invalid = ticket("cust-x", subject: "Late order")
            invalid.priority = "whenever"
            let event = try await publisher.publish(invalid, source: .support)
            #expect(try await eventually {
                let streams = try await redis.send("KEYS", "kinexus:dlq:customer-context-*").array?.compactMap(\.string) ?? []
                for stream in streams {
                    let entries = StreamEntry.parseEntries(try await redis.send("XRANGE", stream, "-", "+"), stream: stream)
                    // At once, named: retrying cannot make the ticket valid.
                    if entries.contains(where: {
                        $0.fields?["event_id"] == event.id && $0.fields?["error_code"] == "invalid_ticket" && $0.fields?["attempts"] == "1"
                            && $0.fields?["error_message"]?.contains("'priority' must be one of low, medium, high, urgent") == true
                    }) { return true }
                }
                return false
            })
            #expect(try await SupportRecords(client: postgres, logger: logger).customer(ofTicket: invalid.ticketID) == nil)
        }
    }

    @Test func feedbackBecomesAnInteractionOnce() async throws {
        try await withCustomerContext { publisher, postgres, _, contexts in
            let customer = try await customer(postgres, tier: "pro", lifetimeValue: 500, orders: 1)
            let received = ticket(customer, subject: "Where is my parcel?")
            try await publisher.publish(received, source: .support)
            _ = try #require(try await response(received.ticketID, postgres))
            #expect(try await contexts.context(for: customer)?.avgSentiment == nil)
            #expect(try await contexts.context(for: customer)?.churnRisk == .medium)  // never in touch: 2 points

            let feedback = TicketFeedbackSubmitted(ticketID: received.ticketID, rating: 4, helpful: true, comment: "Quick answer")
            let event = try await publisher.publish(feedback, source: .support)
            #expect(try await eventually { try await contexts.context(for: customer)?.avgSentiment == 0.5 })
            // The same event again (a redelivery): still one interaction.
            try await publisher.publish(feedback, source: .support, id: event.id)
            try await Task.sleep(for: .milliseconds(500))
            let context = try #require(try await contexts.context(for: customer))
            #expect(context.avgSentiment == 0.5)
            #expect(context.lastInteraction != nil && context.churnRisk == .low)  // in touch today, content: 0 points
            var count = 0
            for try await rows in try await postgres.query(
                "SELECT count(*)::int FROM support.feedback WHERE ticket_id = \(received.ticketID)", logger: logger
            ).decode(Int.self) { count = rows }
            #expect(count == 1)
        }
    }

    @Test func anAgentsAnswerIsKeptWithTheTicketAndTheLatestStands() async throws {
        try await withCustomerContext { publisher, postgres, _, _, client in
            let customer = try await customer(postgres, tier: "pro", lifetimeValue: 500, orders: 1)
            let received = ticket(customer, subject: "How do I export my invoices?")
            try await publisher.publish(received, source: .support)
            _ = try #require(try await response(received.ticketID, postgres))
            func resolve(_ ticketID: String, _ body: JSONValue) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/tickets/\(ticketID)/resolution", method: .post,
                                         headers: [.contentType: "application/json", .authorization: "Bearer \(KnowledgeService.token)"],
                                         body: ByteBuffer(string: body.jsonText)) { $0.status }
            }
            #expect(try await resolve(received.ticketID, ["answer": "  "]) == .badRequest)
            #expect(try await resolve(received.ticketID, ["answer": .string(String(repeating: "a", count: 20_001))]) == .badRequest)
            #expect(try await resolve("no-such-ticket", ["answer": "Anything."]) == .notFound)
            #expect(try await resolve(received.ticketID, ["answer": "Settings → Billing → Export, as CSV.", "resolved_by": "ada"]) == .accepted)
            let records = SupportRecords(client: postgres, logger: logger)
            var resolved: SupportRecords.Ticket?
            #expect(try await eventually {
                resolved = try await records.ticket(received.ticketID)
                return resolved?.resolution != nil
            })
            #expect(resolved?.resolution?.answer == "Settings → Billing → Export, as CSV.")
            #expect(resolved?.resolution?.resolvedBy == "ada" && resolved?.summary.status == "resolved")

            // A resolution given earlier, delivered late, leaves the later one standing; a newer one replaces it.
            var late = try publisher.envelope(TicketResolved(ticketID: received.ticketID, answer: "Old answer.", resolvedBy: "bo"),
                                              source: .support)
            late.time = Date(timeIntervalSinceNow: -3600)
            _ = try await publisher.publish([.init(envelope: late)])
            try await publisher.publish(TicketResolved(ticketID: received.ticketID, answer: "Newer answer.", resolvedBy: "cy"), source: .support)
            #expect(try await eventually { try await records.ticket(received.ticketID)?.resolution?.answer == "Newer answer." })
            #expect(try await records.ticket(received.ticketID)?.resolution?.resolvedBy == "cy")
        }
    }

    @Test func contextsAreCachedUntilAnyReplicaChangesTheCustomer() async throws {
        try await withCustomerContext { _, postgres, redis, contexts in
            let customer = try await customer(postgres, tier: "basic", lifetimeValue: 100, orders: 2)
            #expect(try await contexts.context(for: customer)?.totalOrders == 2)
            try await postgres.query("""
                INSERT INTO support.orders (customer_id, order_number, status, total_amount, order_date)
                SELECT customer_id, 'A-9', 'placed', 5, now() FROM support.customers WHERE external_id = \(customer)
                """, logger: logger)
            #expect(try await contexts.context(for: customer)?.totalOrders == 2, "served from the cache")
            // Another replica, sharing Redis, records a change: this one's cached context is stale now.
            let other = CustomerContexts(records: SupportRecords(client: postgres, logger: logger),
                                         interactions: Interactions(redis: redis, timeToLive: .seconds(60)), redis: redis,
                                         cacheSize: 10, cacheTTL: .seconds(60))
            try await other.invalidate(customer)
            #expect(try await contexts.context(for: customer)?.totalOrders == 3)
        }
    }

    @Test func interactionsExpire() async throws {
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.supportDatabase))
        let interactions = Interactions(redis: redis, timeToLive: .seconds(2))
        let log = InteractionLog(redis: redis, timeToLive: .seconds(2))
        let customer = TestEnvironment.unique("expiring")
        let now = Date()
        try await log.add(Interaction(at: now.addingTimeInterval(-5), sentiment: -1, kind: "call", summary: "old"), for: customer, now: now)
        try await log.add(Interaction(at: now, sentiment: 1, kind: "chat", summary: "new"), for: customer, now: now)
        #expect(try await interactions.recent(for: customer, now: now).map(\.summary) == ["new"])
        #expect(try await interactions.recent(for: customer, now: now.addingTimeInterval(3)).isEmpty)
        let ttl = try await redis.send("PTTL", "kinexus:support:interactions:\(customer)").integer ?? 0
        #expect(ttl > 0 && ttl <= 2000)
        await redis.shutdown()
    }

    @Test func theSupportAPIReceivesTicketsAnswersWithContextAndTakesFeedback() async throws {
        try await withCustomerContext { _, postgres, _, _, client in
            let customer = try await customer(postgres, tier: "basic", lifetimeValue: 900, orders: 1)
            func send(_ method: HTTPRequest.Method, _ uri: String, _ body: JSONValue? = nil, token: String? = KnowledgeService.token,
                      prefer: String? = nil) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                if let prefer { headers[PreferWait.header] = prefer }
                return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0.jsonText) }) {
                    ($0.status, (try? JSONValue(parsing: Array(buffer: $0.body))) ?? .null)
                }
            }
            let ticket: JSONValue = ["customer_external_id": .string(customer), "subject": "Refund for a damaged order", "channel": "chat"]
            #expect(try await send(.post, "/tickets", ticket, token: nil).status == .unauthorized)
            let invalid = try await send(.post, "/tickets", ["customer_external_id": .string(customer), "subject": "x", "priority": "now"])
            #expect(invalid.status == .badRequest && invalid.json["error"] == "'priority' must be one of low, medium, high, urgent")

            let waited = try await send(.post, "/tickets", ticket, prefer: "wait=60")
            #expect(waited.status == .ok)
            let ticketID = try #require(waited.json["ticket_id"]?.stringValue)
            #expect(waited.json["status"] == "processed" && waited.json["customer_context"]?["external_id"] == .string(customer))
            #expect(waited.json["correlation_id"]?.stringValue?.isEmpty == false)
            #expect(try await send(.get, "/tickets/\(ticketID)").json == waited.json)
            #expect(try await send(.get, "/tickets/\(ticketID)/context").json["external_id"] == .string(customer))
            #expect(try await send(.get, "/customers/\(customer)/context").json["open_tickets"] == 1)
            #expect(try await send(.get, "/customers/nobody-\(UUID())/context").status == .notFound)
            #expect(try await send(.get, "/tickets/no-such-ticket").status == .notFound)

            let queued = try await send(.post, "/tickets", ["customer_external_id": .string(customer), "subject": "Second question"])
            #expect(queued.status == .accepted && queued.json["status"] == "received")

            #expect(try await send(.post, "/tickets/\(ticketID)/feedback", ["rating": 6, "helpful": true]).status == .badRequest)
            #expect(try await send(.post, "/tickets/no-such-ticket/feedback", ["rating": 5, "helpful": true]).status == .notFound)
            #expect(try await send(.post, "/tickets/\(ticketID)/feedback", ["rating": 5, "helpful": true]).status == .accepted)
            #expect(try await eventually {
                try await send(.get, "/customers/\(customer)/context").json["avg_sentiment"] == .number(1)
            })
        }
    }
}

extension KnowledgeBaseTests {
    @Test func theDemoCustomersLoadTwiceAlikeAndSpanEveryChurnRisk() async throws {
        try await withCustomerContext { _, postgres, redis, contexts in
            let loader = try CustomerContextService(postgres: postgres, redis: redis, environment: [:], logger: logger)
            try await loader.loadDemoData()
            try await loader.loadDemoData()
            var risks: [String: ChurnRisk] = [:]
            for customer in DemoCustomers.all {
                let context = try #require(try await contexts.context(for: customer.externalID))
                #expect(context.totalOrders == customer.orders.count)
                #expect(context.isHighValue == (customer.lifetimeValue > 10_000))
                risks[customer.externalID] = context.churnRisk
            }
            #expect(risks["demo-cust-002"] == .high)     // -0.55 on average, 38 days quiet, enterprise
            #expect(risks["demo-cust-006"] == .medium)   // never in touch
            #expect(risks["demo-cust-001"] == .low)
            #expect(Set(risks.values) == [.low, .medium, .high])
        }
    }
}
