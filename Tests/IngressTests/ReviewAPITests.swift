@testable import Approval
import DocumentReview
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ingress
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Logging
@testable import Orchestration
import PostgresNIO
@testable import Reviewing
import ReviewAPI
import Testing

/// Reviews through the ingress's API, on reviews seeded in the test Postgres.
struct ReviewAPITests {
    static let token = "api-token-for-tests"
    let logger = Logger(label: "test")
    let links = DiffLink(secret: "link-secret", baseURL: "http://kinexus.test")

    func withAPI(
        links: DiffLink? = nil, _ body: @escaping @Sendable (any TestClientProtocol, PostgresClient, RedisClient) async throws -> Void
    ) async throws {
        // A Redis database of its own: the approvers of other suites would otherwise decide the seeded reviews.
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: 4))
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await postgres.run() }
            try await MigrationRunner(client: postgres, logger: logger)
                .run(try Orchestrator.migrations() + Reviewer.migrations() + Approver.migrations())
            let publisher = EventPublisher(redis: redis, account: "000000000000", region: "local")
            let router = ServiceRuntime.router(logger: logger)
            let reviews = ReviewAPI(postgres: postgres, publisher: publisher, links: links ?? self.links, longestWait: .seconds(60),
                                    logger: logger)
            router.addRoutes(reviews.linkRoutes)
            router.group().add(middleware: APITokenAuthentication(apiToken: Self.token)).addRoutes(reviews.routes)
            try await Application(router: router).test(.router) { client in try await body(client, postgres, redis) }
            tasks.cancelAll()
        }
    }

    /// A review of `version` of a fresh document, as the reviewer would have written it.
    func seedReview(_ postgres: PostgresClient, document: UUID = UUID(), version: Int = 1) async throws -> UUID {
        let review = UUID()
        try await postgres.query("""
            INSERT INTO docs.reviews (review_id, document_id, version, title, ticket_key, review_ticket_key, summary,
                                      diff_html, event_id)
            VALUES (\(review), \(document), \(version), 'Title', 'DOC-1', \("REV-" + review.uuidString),
                    '1 addition, 0 deletions, 0 changes', '<p>diff &lt;script&gt;</p>', \(UUID().uuidString))
            """, logger: logger)
        return review
    }

    func decide(_ client: any TestClientProtocol, _ review: String, _ body: String, token: String? = token)
        async throws -> (HTTPResponse.Status, JSONValue)
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/reviews/\(review)/decision", method: .post, headers: headers,
                                        body: ByteBuffer(string: body)) { response in
            (response.status, (try? JSONValue(parsing: Array(buffer: response.body))) ?? .null)
        }
    }

    @Test func theDiffPageOpensOnlyWithAValidUnexpiredLink() async throws {
        try await withAPI { client, postgres, _ in
            let review = try await seedReview(postgres).uuidString.lowercased()
            let token = try await links.token(reviewID: review)
            try await client.execute(uri: "/reviews/\(review)/diff?token=\(token)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(String(buffer: response.body) == "<p>diff &lt;script&gt;</p>")
            }
            try await client.execute(uri: "/reviews/\(review)/diff?token=1.abc", method: .get) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/reviews/\(review)/diff", method: .get) { response in
                #expect(response.status == .forbidden)
            }
            let expired = try await DiffLink(secret: "link-secret", baseURL: "x", lifetime: -60).token(reviewID: review)
            try await client.execute(uri: "/reviews/\(review)/diff?token=\(expired)", method: .get) { response in
                #expect(response.status == .gone)
            }
        }
    }

    @Test func aDecisionIsSubmittedOnlyForAnOpenReview() async throws {
        try await withAPI { client, postgres, redis in
            let document = UUID()
            let first = try await seedReview(postgres, document: document, version: 1).uuidString.lowercased()
            let valid = #"{"decision": "approved", "comment": "LGTM", "reviewer": "ana"}"#

            #expect(try await decide(client, first, valid, token: nil).0 == .unauthorized)
            #expect(try await decide(client, first, valid, token: "wrong").0 == .unauthorized)
            let (badStatus, bad) = try await decide(client, first, #"{"decision": "maybe", "reviewer": "ana"}"#)
            #expect(badStatus == .badRequest)
            #expect(bad["code"] == "invalid_decision")
            let (missingStatus, missing) = try await decide(client, first, #"{"decision": "approved"}"#)
            #expect(missingStatus == .badRequest)
            #expect(missing["error"]?.stringValue?.contains("reviewer") == true)
            #expect(try await decide(client, UUID().uuidString, valid).0 == .notFound)

            let (status, answer) = try await decide(client, first, valid)
            #expect(status == .accepted)
            let eventID = try #require(answer["event_id"]?.stringValue)
            let stream = Topic(source: "kinexus.console", detailType: "ReviewDecisionSubmitted").streamKey
            let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "200"), stream: stream)
            let submitted = try #require(entries.compactMap { try? $0.envelope() }.first { $0.id == eventID })
                .decodeDetail(as: ReviewDecisionSubmitted.self)
            #expect(submitted.reviewID == first)
            #expect(submitted.decision == "approved")
            try await client.execute(uri: "/reviews/\(first)", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/reviews/\(first)", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) { response in
                let review = try JSONValue(parsing: Array(buffer: response.body))
                #expect(review["under_review"] == true)
                #expect(review["review_ticket_key"] == .string("REV-" + first.uppercased()))
                #expect(review["created_at"]?.stringValue.flatMap(EventEnvelope.parseTime) != nil, "times are ISO-8601")
            }

            // A newer version under review closes the older one.
            _ = try await seedReview(postgres, document: document, version: 2)
            let (closedStatus, closed) = try await decide(client, first, valid)
            #expect(closedStatus == .conflict)
            #expect(closed["code"] == "review_closed")
        }
    }

    /// The approver records the first decision on a review; one that loses the race learns it, by reading
    /// its outcome back or by waiting for it.
    @Test func aDecisionThatLosesTheRaceSaysSo() async throws {
        try await withAPI { client, postgres, _ in
            let review = try await seedReview(postgres).uuidString.lowercased()
            let approve = #"{"decision": "approved", "reviewer": "ana"}"#, reject = #"{"decision": "rejected", "reviewer": "bo"}"#
            let (firstStatus, first) = try await decide(client, review, approve)
            let (secondStatus, second) = try await decide(client, review, reject)
            #expect(firstStatus == .accepted && secondStatus == .accepted)
            let winner = try #require(first["event_id"]?.stringValue), loser = try #require(second["event_id"]?.stringValue)
            #expect(second["outcome_url"] == .string("/reviews/\(review)/decisions/\(loser)"))
            func outcome(_ event: String) async throws -> JSONValue {
                try await client.execute(uri: "/reviews/\(review)/decisions/\(event)", method: .get,
                                         headers: [.authorization: "Bearer \(Self.token)"]) { response in
                    #expect(response.status == .ok)
                    return try JSONValue(parsing: Array(buffer: response.body))
                }
            }
            #expect(try await outcome(loser)["status"] == "pending")

            // The approver claims the first decision, as it does.
            try await postgres.query("""
                INSERT INTO docs.decisions (review_id, decision, comment, reviewer, event_id)
                VALUES (\(UUID(uuidString: review)!), 'approved', '', 'ana', \(winner))
                """, logger: logger)
            #expect(try await outcome(winner)["status"] == "applied")
            let lost = try await outcome(loser)
            #expect(lost["status"] == "superseded")
            #expect(lost["decision_that_stands"]?["event_id"] == .string(winner))
            #expect(lost["decision_that_stands"]?["reviewer"] == "ana")
        }
    }

    @Test func aCallerThatWaitsHearsWhetherItsDecisionStood() async throws {
        try await withAPI { client, postgres, redis in
            let review = try await seedReview(postgres)
            // Another decision is recorded while this one is waiting for its outcome: once it is on the bus, so
            // past the check that the review is open (recorded before, it would close the review to this one).
            let rival = Task {
                let stream = Topic(source: "kinexus.console", detailType: "ReviewDecisionSubmitted").streamKey
                let submitted = try await eventually {
                    let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "200"), stream: stream)
                    return entries.compactMap { try? $0.envelope().decodeDetail(as: ReviewDecisionSubmitted.self) }
                        .contains { $0.reviewID == review.uuidString.lowercased() }
                }
                #expect(submitted, "the caller's decision was never published")
                try await postgres.query("""
                    INSERT INTO docs.decisions (review_id, decision, comment, reviewer, event_id)
                    VALUES (\(review), 'rejected', 'no', 'bo', \(UUID().uuidString))
                    """, logger: logger)
            }
            var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(Self.token)"]
            headers[HTTPField.Name("Prefer")!] = "wait=60"
            let (status, answer) = try await client.execute(
                uri: "/reviews/\(review.uuidString.lowercased())/decision", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"decision": "approved", "reviewer": "ana"}"#)
            ) { response in (response.status, try JSONValue(parsing: Array(buffer: response.body))) }
            try await rival.value
            #expect(status == .conflict)
            #expect(answer["code"] == "decision_superseded")
            #expect(answer["status"] == "superseded")
            #expect(answer["decision_that_stands"]?["decision"] == "rejected")
        }
    }
}
