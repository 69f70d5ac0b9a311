import Foundation
import KinexusEvents
import KinexusJSON
import Testing

/// Postgres cannot store NUL: Kinexus names where one is, and never puts one on the bus.
struct NULCharacterTests {
    @Test func theFirstNULIsNamedByItsPath() throws {
        #expect(try JSONValue(parsing: #"{"a": {"b": ["x", "y\u0000"]}}"#).pathOfNUL == "a.b[1]")
        #expect(try JSONValue(parsing: #"{"issue": {"fields": {"summary": "s\u0000"}}}"#).pathOfNUL == "issue.fields.summary")
        #expect(try JSONValue(parsing: #"{"k\u0000ey": 1}"#).pathOfNUL == #"k\0ey"#)
        #expect(try JSONValue(parsing: #""\u0000""#).pathOfNUL == "body")
        #expect(try JSONValue(parsing: #"{"a": ["\\u0000"], "b": 1}"#).pathOfNUL == nil, "an escaped backslash is not a NUL")
    }

    @Test func anEventWithANULIsNeitherPublishedNorRead() throws {
        let envelope = EventEnvelope(detailType: "ChangeDetected", source: "kinexus.jira", account: "0", region: "local",
                                     detail: ["summary": .string("a\u{0}b")])
        #expect(throws: EventError.nulCharacter(path: "detail.summary")) { try envelope.encoded() }
        let raw = #"{"version":"0","id":"1","detail-type":"X","source":"s","account":"0","time":"2026-11-22T10:00:00Z","region":"r","resources":[],"detail":{"labels":["\u0000"]}}"#
        #expect(throws: EventError.nulCharacter(path: "detail.labels[0]")) { try EventEnvelope.decode(Array(raw.utf8)) }
    }

    /// The bound an intake computes is what the writer writes.
    @Test func encodedLengthIsWhatTheWriterWrites() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "é", "e\u{301}", "😀", "🇫🇷", "\"", "\\", "\n", "\r\n", "\t", "\u{01}", "\u{1F}", "/", " ", "\u{7F}"]
        for _ in 0..<200 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let written = JSONValue.string(text).jsonText.utf8.count - 2
            #expect(EncodedLength.of(text) == written, "\(text.debugDescription)")
            let limit = Int.random(in: 0...60, using: &generator)
            let prefix = EncodedLength.prefix(of: text, within: limit)
            #expect(EncodedLength.of(String(prefix)) <= limit)
            #expect(text.hasPrefix(prefix))
            if prefix.endIndex < text.endIndex {
                #expect(EncodedLength.of(String(text[...prefix.endIndex])) > limit, "the longest prefix: \(text.debugDescription) within \(limit)")
            }
        }
    }
}
