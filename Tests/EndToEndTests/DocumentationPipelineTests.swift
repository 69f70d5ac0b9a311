import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusTestSupport
import Testing

/// The four documentation services as real processes on the test Redis and Postgres, with the embedded
/// defaults: a resolved ticket becomes a reviewed, revised and published page. They use a Redis database of
/// their own: services named as in production would otherwise take part in other tests' flows.
@Suite(.serialized)
struct DocumentationPipelineTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/jira-webhooks").standardizedFileURL
    let token = "e2e-token"
    var authorized: [String: String] { ["Authorization": "Bearer \(token)"] }
    static let redisDatabase = 1

    struct Services {
        let processes: [ChildProcess]
        let ingress: String

        func stop() async -> [Int32?] {
            for process in processes { process.signal(SIGTERM) }
            var statuses: [Int32?] = []
            for process in processes { statuses.append(await process.exitStatus(within: .seconds(30))) }
            return statuses
        }
    }

    func start() async throws -> Services {
        let ports = ["ingress": freePort(), "orchestrator": freePort(), "reviewer": freePort(), "approver": freePort()]
        let ingress = "http://127.0.0.1:\(ports["ingress"]!)"
        var processes: [ChildProcess] = []
        for (service, port) in ports.sorted(by: { $0.key < $1.key }) {
            let process = try ChildProcess(service: service, environment: [
                "KINEXUS_REDIS_URL": try TestEnvironment.redisURL(database: Self.redisDatabase), "KINEXUS_POSTGRES_URL": try TestEnvironment.postgresURL(),
                "KINEXUS_HTTP_PORT": String(port), "KINEXUS_API_TOKEN": token, "KINEXUS_PUBLIC_URL": ingress,
                "KINEXUS_LINK_SECRET": "e2e-links", "KINEXUS_RETRY_BASE_DELAY": "100ms",
            ])
            try process.start()
            processes.append(process)
        }
        for (service, port) in ports {
            let ready = await eventually(every: .milliseconds(200)) {
                await request("http://127.0.0.1:\(port)/ready")?.status == 200
            }
            #expect(ready, "\(service) never became ready: \(processes.map(\.output).joined(separator: "\n"))")
        }
        return Services(processes: processes, ingress: ingress)
    }

    /// The latest ReviewRequested for `ticketKey` with at least `version`.
    func review(ticketKey: String, version: Int, redis: RedisClient) async throws -> ReviewRequested? {
        let stream = Topic(source: "kinexus.reviewer", detailType: "ReviewRequested").streamKey
        var found: ReviewRequested?
        _ = try await eventually(every: .milliseconds(100)) {
            let entries = StreamEntry.parseEntries(try await redis.send("XREVRANGE", stream, "+", "-", "COUNT", "500"), stream: stream)
            found = entries.compactMap { try? $0.envelope().decodeDetail(as: ReviewRequested.self) }
                .first { $0.ticketKey == ticketKey && $0.version >= version }
            return found != nil
        }
        return found
    }

    func decide(_ services: Services, _ reviewID: String, _ decision: String, comment: String) async -> (status: Int, body: String)? {
        let body = try! JSONSerialization.data(withJSONObject: ["decision": decision, "comment": comment, "reviewer": "ana"])
        return await request("\(services.ingress)/reviews/\(reviewID)/decision", method: "POST", body: body,
                             headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"])
    }

    @Test func aResolvedTicketIsReviewedRevisedAndPublished() async throws {
        let redis = try RedisClient(url: try TestEnvironment.redisURL(database: Self.redisDatabase))
        let services = try await start()
        let key = "E2E-\(Int.random(in: 100_000...999_999))"
        let fixture = try String(contentsOf: Self.fixtures.appendingPathComponent("webhook-issue-updated-resolved.json"), encoding: .utf8)
        let title = "Summary of \(key)"
        let webhook = Data(fixture.replacingOccurrences(of: "TES-41", with: key)
            .replacingOccurrences(of: "Unit test summary 1", with: title).utf8)

        let accepted = try #require(await request("\(services.ingress)/webhooks/jira", method: "POST", body: webhook,
                                                  headers: ["X-Atlassian-Webhook-Identifier": UUID().uuidString]))
        #expect(accepted.status == 200)
        #expect(accepted.body.contains(#""accepted":true"#), "\(accepted.body)")

        let first = try #require(try await review(ticketKey: key, version: 1, redis: redis))
        #expect(first.version == 1)
        let diff = try #require(await request(first.diffURL))
        #expect(diff.status == 200)
        #expect(diff.body.contains("Review: \(title)"))

        let revise = try #require(await decide(services, first.reviewID, "needs_revision", comment: "Add an example."))
        #expect(revise.status == 202, "\(revise.body)")
        let second = try #require(try await review(ticketKey: key, version: 2, redis: redis))
        #expect(second.version == 2)
        #expect(await decide(services, first.reviewID, "approved", comment: "")?.status == 409, "the first review is closed")

        let approve = try #require(await decide(services, second.reviewID, "approved", comment: "LGTM"))
        #expect(approve.status == 202, "\(approve.body)")
        var pageHTML = ""
        let published = await eventually(every: .milliseconds(100)) {
            guard let pages = await request("\(services.ingress)/pages"), pages.status == 200,
                  let json = try? JSONValue(parsing: pages.body), case .array(let list)? = json["pages"],
                  let page = list.first(where: { $0["title"]?.stringValue == title && $0["version"] == 2 }),
                  let url = page["url"]?.stringValue, let html = await request(services.ingress + url)
            else { return false }
            pageHTML = html.body
            return html.body.contains("Add an example.")
        }
        #expect(published, "\(pageHTML)")
        #expect(pageHTML.contains("<h2>Overview</h2>"))

        let document = try #require(await request("\(services.ingress)/documents/\(second.documentID)", headers: authorized))
        let json = try JSONValue(parsing: document.body)
        #expect(json["ticket_key"]?.stringValue == key)
        #expect(json["current_version"] == 2)
        if case .array(let reviews)? = json["reviews"] {
            #expect(reviews.map { $0["decision"] } == [.string("needs_revision"), .string("approved")])
        } else {
            Issue.record("no reviews in \(document.body)")
        }
        let markdown = try #require(await request("\(services.ingress)/documents/\(second.documentID)/versions/2", headers: authorized))
        #expect(markdown.status == 200)
        #expect(markdown.body.hasPrefix("# \(title)"))
        #expect(await request("\(services.ingress)/documents/\(second.documentID)/versions/9", headers: authorized)?.status == 404)
        #expect(await request("\(services.ingress)/documents/not-an-id", headers: authorized)?.status == 404)

        // A further change to the ticket: version 3, approved, and the same page updated.
        let again = try #require(await request("\(services.ingress)/webhooks/jira", method: "POST", body: webhook,
                                               headers: ["X-Atlassian-Webhook-Identifier": UUID().uuidString]))
        #expect(again.body.contains(#""accepted":true"#), "\(again.body)")
        let third = try #require(try await review(ticketKey: key, version: 3, redis: redis))
        #expect(await decide(services, third.reviewID, "approved", comment: "Ship it")?.status == 202)
        let updated = await eventually(every: .milliseconds(100)) {
            guard let pages = await request("\(services.ingress)/pages"), let json = try? JSONValue(parsing: pages.body),
                  case .array(let list)? = json["pages"] else { return false }
            let matching = list.filter { $0["title"]?.stringValue == title }
            return matching.count == 1 && matching.first?["version"] == 3
        }
        #expect(updated, "the page is updated in place, not published twice")

        // Another ticket, rejected: the review closes and a second decision on it is refused.
        let rejectedKey = "E2E-\(Int.random(in: 100_000...999_999))"
        let rejectedWebhook = Data(fixture.replacingOccurrences(of: "TES-41", with: rejectedKey)
            .replacingOccurrences(of: "Unit test summary 1", with: "Rejected \(rejectedKey)").utf8)
        _ = await request("\(services.ingress)/webhooks/jira", method: "POST", body: rejectedWebhook,
                          headers: ["X-Atlassian-Webhook-Identifier": UUID().uuidString])
        let doomed = try #require(try await review(ticketKey: rejectedKey, version: 1, redis: redis))
        #expect(await decide(services, doomed.reviewID, "rejected", comment: "Wrong product")?.status == 202)
        let closed = await eventually(every: .milliseconds(100)) {
            await decide(services, doomed.reviewID, "approved", comment: "")?.status == 409
        }
        #expect(closed, "a decision on a rejected review is refused")

        #expect(await services.stop().allSatisfy { $0 == 0 }, "every service stops cleanly on SIGTERM")
    }
}
