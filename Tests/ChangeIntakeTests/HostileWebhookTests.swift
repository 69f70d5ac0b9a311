import ChangeIntake
import Foundation
import KinexusEvents
import KinexusJSON
import Testing

/// Webhooks as an attacker or a broken sender would write them: each is refused or bounded, never a crash.
struct HostileWebhookTests {
    /// The body that stopped the ingress: a timestamp no date rule could measure against.
    static let farFuture = #"""
        {"webhookEvent":"jira:issue_updated","timestamp":1e27,"issue":{"key":"X-1","fields":{"summary":"s",
        "status":{"name":"Done"},"created":"2026-11-30T10:00:00.000+0000"}},"changelog":{"items":[{"field":"status",
        "fromString":"In Progress","toString":"Done"}]}}
        """#

    @Test(arguments: ["1e27", "-1e27", "9.3e18", "8e26", "-1", "253402300800000", "1.7976931348623157e308"])
    func aTimestampNoDateCanHoldIsRefusedNamingIt(timestamp: String) throws {
        let body = Self.farFuture.replacingOccurrences(of: "1e27", with: timestamp)
        #expect {
            _ = ChangeFilter().decide(try JiraWebhook(json: try JSONValue(parsing: body)))
        } throws: { error in
            (error as? InvalidWebhook)?.problem.contains("'timestamp'") == true
        }
    }

    @Test func aTimestampOfTheWrongTypeIsRefused() throws {
        let body = Self.farFuture.replacingOccurrences(of: "1e27", with: #""yesterday""#)
        #expect(throws: InvalidWebhook.self) { try JiraWebhook(json: try JSONValue(parsing: body)) }
    }

    @Test func theLastMillisecondOf9999IsStillADate() throws {
        let body = Self.farFuture.replacingOccurrences(of: "1e27", with: "253402300799999")
        let decision = ChangeFilter().decide(try JiraWebhook(json: try JSONValue(parsing: body)))
        #expect(!decision.accepted)
        #expect(decision.reason.hasPrefix("created 2912109 days before this update"), "\(decision.reason)")
    }

    /// Every text an intake copies, at its worst (300,000 characters that each escape to six bytes), still
    /// fits one event, and the document learns what was cut.
    @Test func aChangeFromHugeTextsFitsOneEventAndSaysWhatWasCut() throws {
        let huge = String(repeating: "\u{01}é\"", count: 100_000)
        let change = ChangeDetected(
            changeID: "c", origin: "jira", ticketKey: huge, ticketType: huge, summary: huge, description: huge,
            priority: huge, labels: Array(repeating: huge, count: 3), components: Array(repeating: huge, count: 200),
            fixVersions: [huge], storyPoints: 3, acceptanceCriteria: Array(repeating: huge, count: 200),
            apiPaths: Array(repeating: huge, count: 200), docComments: Array(repeating: huge, count: 5), url: huge)
        let bounded = ChangeBounds.bounded(change)
        let envelope = EventEnvelope(detailType: "ChangeDetected", source: "kinexus.jira", account: "000000000000",
                                     region: "local", detail: try JSONValue(encoding: bounded))
        let size = try envelope.encoded().count
        #expect(size <= EventEnvelope.maximumSize, "\(size) bytes")
        #expect(bounded.description.hasSuffix("[… Kinexus cut this description: it was 300000 characters]"))
        #expect(bounded.description.hasPrefix("\u{01}é\""))
        #expect(bounded.summary.hasSuffix("it was 300000 characters]"))
        #expect(bounded.labels.allSatisfy { $0.hasSuffix("it was 300000 characters]") })
        #expect(bounded.components.count == 50)
        #expect(bounded.url == nil, "an address cut short would lead nowhere")
    }

    @Test func textsWithinTheirBoundsAreLeftAsTheyAre() {
        let change = ChangeDetected(changeID: "c", origin: "jira", ticketKey: "K-1", ticketType: "Story", summary: "Short",
                                    description: String(repeating: "a", count: 100_000), labels: ["docs"])
        let bounded = ChangeBounds.bounded(change)
        #expect(bounded.description == change.description)
        #expect(bounded.summary == "Short")
        #expect(bounded.labels == ["docs"])
    }
}
