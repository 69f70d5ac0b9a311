import Foundation
import KinexusEvents
import KinexusJSON
import Testing

struct EventEnvelopeTests {
    @Test func serializesWithEventBridgeFieldNamesAndUTCTime() throws {
        let envelope = EventEnvelope(
            id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718", detailType: "KbSyncRequested", source: "kinexus.kb",
            account: "000000000000", time: Date(timeIntervalSince1970: 1_795_341_600), region: "local",
            detail: try JSONValue(encoding: KbSyncRequested(jobID: "j1")))
        let json = try JSONValue(parsing: try envelope.encoded())
        #expect(json == .object([
            "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "KbSyncRequested",
            "source": "kinexus.kb", "account": "000000000000", "time": "2026-11-22T10:00:00Z", "region": "local",
            "resources": .array([]), "detail": .object(["job_id": "j1"]),
        ]))
        #expect(try EventEnvelope.decode(try envelope.encoded()) == envelope)
    }

    @Test func refusesAnEventOverTwoHundredFiftySixKilobytes() throws {
        let detail = JSONValue.object(["body": .string(String(repeating: "x", count: 300 * 1024))])
        let envelope = EventEnvelope(detailType: "DocumentGenerated", source: "kinexus.orchestrator",
                                     account: "0", region: "local", detail: detail)
        #expect {
            try envelope.encoded()
        } throws: { error in
            guard case EventError.tooLarge(let type, let size, let limit)? = error as? EventError else { return false }
            return type == "DocumentGenerated" && size > limit && limit == 262_144
        }
    }

    @Test func catalogDetailsUseSnakeCaseAndRoundTrip() throws {
        let change = ChangeDetected(changeID: "c1", origin: "jira", ticketKey: "DOC-1", ticketType: "Story",
                                    summary: "s", description: "d", storyPoints: 3, apiPaths: ["GET /v1/users"])
        let json = try JSONValue(encoding: change)
        #expect(json["change_id"] == "c1")
        #expect(json["ticket_key"] == "DOC-1")
        #expect(json["api_paths"] == .array(["GET /v1/users"]))
        let envelope = EventEnvelope(detailType: ChangeDetected.detailType, source: "kinexus.jira",
                                     account: "0", region: "local", detail: json)
        #expect(try envelope.decodeDetail(as: ChangeDetected.self) == change)
        #expect(throws: EventError.wrongDetailType(expected: "DocumentGenerated", actual: "ChangeDetected")) {
            try envelope.decodeDetail(as: DocumentGenerated.self)
        }
    }

    @Test func everyDetailTypeInTheCatalogIsDistinct() {
        let names = EventCatalog.detailTypes.map { $0.detailType }
        #expect(Set(names).count == names.count)
        // DESIGN's seventeen, CodegenProgressed, which the console follows a running agent by, the three of
        // code review's iterations, TicketResolved, and the two that turn a knowledge gap into an article.
        #expect(names.count == 24)
    }

    @Test func topicsRoundTripThroughStreamKeys() {
        let topic = Topic(source: "kinexus.jira", detailType: "ChangeDetected")
        #expect(topic.streamKey == "kinexus:ev:kinexus.jira:ChangeDetected")
        #expect(Topic(streamKey: topic.streamKey) == topic)
        #expect(Topic(streamKey: "kinexus.jira:ChangeDetected") == topic)
        #expect(Topic(streamKey: "nonsense") == nil)
    }
}

struct EventIDTests {
    @Test func randomIDsAreVersionFourUUIDs() {
        let ids = (0..<1000).map { _ in EventID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil)
            #expect(uuid?.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
        }
    }

    @Test func derivedIDsAreStableUUIDs() {
        let id = EventID.derived(from: "jira:abc")
        #expect(id == EventID.derived(from: "jira:abc"))
        #expect(id != EventID.derived(from: "jira:abd"))
        #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
    }
}
