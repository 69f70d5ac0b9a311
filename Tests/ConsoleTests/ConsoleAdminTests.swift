import Accounts
import EventBridgeRules
import EventRules
import Foundation
import Logging
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Testing

/// For admins: streams, dead letters and redriving them; users and their roles.
@Suite(.serialized) struct ConsoleAdminTests {
    let harness = ConsoleHarness()

    static let original = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func anAdminFindsADeadLetterAndRedrivesIt() async throws {
        try await harness.run { world in
            let group = TestEnvironment.unique("group")
            let stream = "kinexus:ev:kinexus.test:Thing-\(group)"
            let letter = try #require(try await world.redis.send(
                "XADD", DeadLetters.streamKey(group: group), "*", StreamEntry.envelopeField, #"{"id":"e-1","detail":{"x":"<b>1</b>"}}"#,
                "stream", stream, "error_code", "boom", "error_message", "the handler failed", "attempts", "5", "event_id", "e-1",
                "detail_type", "Thing", "traceparent", Self.original).string)
            try await world.redis.send("SADD", DeadLetters.groupsKey, group)
            let (admin, _) = try await world.signedIn([.admin])
            let overview = try await admin.get("/console/operations")
            #expect(overview.status == .ok)
            #expect(overview.body.contains(">\(group)</a>"))
            let page = try await admin.get("/console/operations/dead-letters/\(group)")
            #expect(page.body.contains("boom: the handler failed"))
            #expect(page.body.contains("&lt;b&gt;1&lt;/b&gt;"), "the event, escaped")

            for wrong in ["not-an-id", "1-2-3", "99999999999999999999999-0", "0-0"] {
                #expect(try await admin.post("/console/operations/dead-letters/\(group)/redrive", [("csrf", page.csrf ?? ""), ("id", wrong)])
                    .status == .notFound, "\(wrong)")
            }
            #expect(try await admin.get("/console/operations/dead-letters/no-such-\(group)").status == .notFound)
            let redriven = try await admin.post("/console/operations/dead-letters/\(group)/redrive", [("csrf", page.csrf ?? ""), ("id", letter)])
            #expect(redriven.status == .seeOther)
            #expect(try await world.redis.send("XLEN", DeadLetters.streamKey(group: group)).integer == 0)
            let copies = StreamEntry.parseEntries(try await world.redis.send("XRANGE", stream, "-", "+"), stream: stream)
            #expect(copies.count == 1)
            #expect(copies.first?.fields?[StreamEntry.onlyGroupField] == group, "redriven for that group alone")
            #expect(copies.first?.fields?["origin_traceparent"] == Self.original, "the copy links to the original's trace")
        }
    }

    @Test func anAdminTracesAnEventThroughItsChain() async throws {
        try await harness.run { world in
            let source = TestEnvironment.unique("kinexus.trace")
            let group = TestEnvironment.unique("group")
            let correlationID = TestEnvironment.unique("chain")
            let event = EventEnvelope(id: TestEnvironment.unique("event"), detailType: "ChangeDetected", source: source,
                                      account: "000000000000", region: "local", detail: .object([:]))
            let stream = event.topic.streamKey
            _ = try await world.redis.send("XGROUP", "CREATE", stream, group, "$", "MKSTREAM")
            let publisher = EventPublisher(redis: world.redis, account: "000000000000", region: "local")
            let entryID = try #require(try await publisher.publish([.init(envelope: event, correlationID: correlationID)]).first)
            _ = try await world.redis.send("XADD", DeadLetters.streamKey(group: group), "*", "stream", stream, "entry_id", entryID,
                                           "error_code", "boom", "attempts", "5", "event_id", event.id)

            let (admin, _) = try await world.signedIn([.admin])
            let letters = try await admin.get("/console/operations/dead-letters/\(group)")
            #expect(letters.body.contains("/console/operations/events?id=\(event.id)"), "a letter links to its event's trail")
            let trail = try await admin.get("/console/operations/events?id=\(correlationID)")
            #expect(trail.status == .ok)
            #expect(trail.body.contains(event.id))
            #expect(trail.body.contains("\(group): dead_lettered (5 attempts: boom)"), "\(trail.body)")
            let unknown = try await admin.get("/console/operations/events?id=%3Cscript%3E")
            #expect(unknown.body.contains("No stream holds an event"))
            #expect(unknown.body.contains("&lt;script&gt;") && !unknown.body.contains("<script>x"))
            let (viewer, _) = try await world.signedIn([.reviewer])
            #expect(try await viewer.get("/console/operations/events?id=\(correlationID)").status == .forbidden)
        }
    }

    @Test func anAdminSeesUsersRulesWithTheirTargetsDeliveriesAndDeadLetters() async throws {
        try await harness.run { world in
            let name = TestEnvironment.unique("orders-chat")
            let store = RuleStore(client: world.postgres, logger: Logger(label: "test"))
            let connection = try ConnectionDefinition(type: "NONE", parameters: nil, box: SecretBox(key: nil))
            _ = try await store.createConnection(name: name, description: nil, definition: connection)
            _ = try await store.createDestination(.init(name: name, description: nil, connectionName: name, endpoint: "https://chat.example/hooks",
                                                        method: "POST", rateLimitPerSecond: 10))
            try await store.putRule(name: name, description: "orders to the team's chat", pattern: #"{"source": ["acme.orders"]}"#, enabled: true)
            try await store.putTargets(rule: name, targets: [try TargetDefinition(json: [
                "Id": "chat", "Arn": .string("arn:aws:events:local:000000000000:api-destination/\(name)/x"),
            ])])
            try await world.postgres.query("""
                INSERT INTO routing.deliveries (rule_name, target_id, event_id, attempt, outcome, status_code, error, duration_ms)
                VALUES (\(name), 'chat', 'ev-1', 1, 'delivered', 200, NULL, 12), (\(name), 'chat', 'ev-2', 1, 'dead_lettered', 400,
                        'https://chat.example/hooks refused the event with 400', 9)
                """)
            _ = try await world.redis.send("XADD", DeadLetters.streamKey(group: "rule.\(name).chat"), "*", "event_id", "ev-2", "error_code", "endpoint_400")
            let (admin, _) = try await world.signedIn([.admin])
            let overview = try await admin.get("/console/operations")
            #expect(overview.body.contains("/console/operations/rules/\(name)"))
            #expect(overview.body.contains("POST https://chat.example/hooks (10/s)"))
            let page = try await admin.get("/console/operations/rules/\(name)")
            #expect(page.status == .ok)
            #expect(page.body.contains("orders to the team&#39;s chat") || page.body.contains("orders to the team's chat"))
            #expect(page.body.contains("refused the event with 400"))
            #expect(page.body.contains("/console/operations/dead-letters/rule.\(name).chat"), "the target's dead letters are a click away")
            #expect(page.body.contains("/console/operations/events?id=ev-1"))
            #expect(try await admin.get("/console/operations/rules/no-such-\(name)").status == .notFound)
        }
    }

    @Test func operationsAndUsersAreForAdminsOnly() async throws {
        try await harness.run { world in
            let (reviewer, _) = try await world.signedIn([.reviewer, .author, .agent])
            #expect(try await reviewer.get("/console/operations").status == .forbidden)
            #expect(try await reviewer.get("/console/users").status == .forbidden)
            let home = try await reviewer.get("/")
            #expect(!home.body.contains("/console/operations"))
            #expect(try await reviewer.post("/console/users", [("csrf", home.csrf ?? ""), ("name", "intruder"), ("role[]", "admin")]).status
                    == .forbidden)
            #expect(try await world.accounts.user(named: "intruder") == nil)
        }
    }

    @Test func anAdminAddsAUserChangesTheirRolesAndDisablesThem() async throws {
        try await harness.run { world in
            let (admin, adminName) = try await world.signedIn([.admin])
            let page = try await admin.get("/console/users")
            let name = TestEnvironment.unique("newcomer")
            let added = try await admin.post("/console/users", [("csrf", page.csrf ?? ""), ("name", name), ("role[]", "reviewer"),
                                                                ("role[]", "agent"), ("password", "")])
            #expect(added.status == .ok)
            let password = try #require(added.body.range(of: #"<code id="new-password">[^<]+</code>"#, options: .regularExpression)
                .map { String(added.body[$0].dropFirst(#"<code id="new-password">"#.count).dropLast("</code>".count)) })
            #expect(try await world.accounts.user(named: name)?.roles == [.reviewer, .agent])

            let newcomer = Visitor(world.client)
            #expect(try await newcomer.signIn(name, password).status == .seeOther)
            #expect(try await admin.post("/console/users/\(name)/roles", [("csrf", page.csrf ?? ""), ("role[]", "viewer")]).status == .ok)
            #expect(try await world.accounts.user(named: name)?.roles == [.viewer])
            #expect(try await admin.post("/console/users/\(name)/disable", [("csrf", page.csrf ?? "")]).status == .ok)
            #expect(try await newcomer.get("/").status == .seeOther, "their session ended")
            let selfDisable = try await admin.post("/console/users/\(adminName)/disable", [("csrf", page.csrf ?? "")])
            #expect(selfDisable.status == .badRequest)
            let noRoles = try await admin.post("/console/users", [("csrf", page.csrf ?? ""), ("name", name + "x")])
            #expect(noRoles.status == .badRequest)
            #expect(noRoles.body.contains("name at least one role"))
        }
    }
}
