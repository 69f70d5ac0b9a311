import Foundation
import KinexusEvents
import KinexusJSON
import Testing

struct EnvelopeParsingTests {
    @Test func readsEnvelopeTimesWithoutAFormatter() throws {
        let formatter = Date.ISO8601FormatStyle()
        for seconds in stride(from: -2_208_988_800, through: 4_102_444_800, by: 7_654_321) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(EventEnvelope.parseTime(date.formatted(formatter)) == date)
        }
        #expect(EventEnvelope.parseTime("2026-11-22T10:00:00.250Z") == Date(timeIntervalSince1970: 1_795_341_600.25))
        #expect(EventEnvelope.parseTime("2026-13-22T10:00:00Z") == nil)
    }

    @Test func malformedEnvelopesNameTheField() throws {
        #expect(throws: EventError.malformedEnvelope("'time' must be a string")) {
            try EventEnvelope.decode(Array(#"{"version": "0", "id": "x", "detail-type": "T", "source": "s", "account": "1", "region": "r", "detail": {}}"#.utf8))
        }
        #expect(throws: EventError.malformedEnvelope("'detail' must be an object")) {
            try EventEnvelope.decode(Array(#"{"version": "0", "id": "x", "detail-type": "T", "source": "s", "account": "1", "time": "2026-11-22T10:00:00Z", "region": "r", "detail": 1}"#.utf8))
        }
    }

    @Test func envelopeTimesAreWrittenWithoutAFormatter() {
        let formatter = Date.ISO8601FormatStyle()
        for seconds in stride(from: -2_208_988_800, through: 4_102_444_800, by: 7_654_321) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(EventEnvelope.format(date) == date.formatted(formatter))
        }
    }

    /// The detail is decoded from the bytes read from the stream: a whole number past 2⁵³ arrives exact,
    /// which a detail written back out from the parsed tree (numbers as doubles) would not.
    @Test func aDetailIsDecodedFromTheBytesItWasReadFrom() throws {
        let text = #"{"version": "0", "id": "x", "detail-type": "DocumentGenerated", "source": "kinexus.orchestrator", "account": "1", "time": "2026-11-22T10:00:00Z", "region": "r", "resources": [], "detail": {"document_id": "d", "version": 9007199254740993, "title": "T", "ticket_key": "K-1", "origin": "jira"}}"#
        let envelope = try EventEnvelope.decode(Array(text.utf8))
        #expect(try envelope.decodeDetail(as: DocumentGenerated.self).version == 9_007_199_254_740_993)
    }
}
