import Foundation
import KinexusJSON
import Testing

struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let json = try JSONValue(parsing: #" {"s": "a\"b\\c\/d\n\u00e9\ud83d\ude00", "n": -1.5e2, "z": 0, "t": true, "f": false, "x": null, "a": [1, [], {}]} "#)
        #expect(json == .object([
            "s": .string("a\"b\\c/d\né😀"), "n": .number(-150), "z": 0, "t": true, "f": false, "x": .null,
            "a": .array([1, .array([]), .object([:])]),
        ]))
    }

    @Test func unescapedTextIsReadAsUTF8AndInvalidBytesAreRefused() throws {
        #expect(try JSONValue(parsing: #"["plain", "café 😀", ""]"#) == .array(["plain", "café 😀", ""]))
        let quote = UInt8(ascii: "\"")
        #expect(throws: (any Error).self) { try JSONValue(parsing: [quote, 0x61, 0xC3, quote]) }
        #expect(throws: (any Error).self) { try JSONValue(parsing: [quote, 0xFF, 0xFE, quote]) }
        #expect(throws: (any Error).self) { try JSONValue(parsing: [quote, 0x61, 0x0A, quote]) }
    }

    @Test func aRepeatedFieldNameKeepsItsLastValue() throws {
        #expect(try JSONValue(parsing: #"{"a": 1, "b": {"c": 2, "c": 3}, "a": 4}"#) == ["a": 4, "b": ["c": 3]])
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"unterminated", "\"\\x\"", "\"\\ud800\"", "tru", "[1] 2",
        "{\"a\": 1,}", "\"tab\there\"", "NaN", "1e999",
    ])
    func refusesMalformedJSON(text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: text) }
    }

    @Test func agreesWithFoundationOnTheFixtureEvents() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/event-patterns.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let ours = try JSONValue(parsing: String(line))
            let foundations = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            #expect(ours == foundations)
        }
    }
}

struct JSONWriterTests {
    @Test func writtenJSONParsesBackToTheSameValue() throws {
        let value: JSONValue = .object([
            "text": .string("quote \" backslash \\ newline \n tab \t bell \u{07} é 😀 </script>"),
            "numbers": .array([0, -3, .number(1.5), .number(1e-6), .number(123_456_789_012_345), .number(-5e9)]),
            "flags": .array([true, false, .null]), "nested": .object(["empty": .array([]), "obj": .object([:])]),
        ])
        let text = value.jsonText
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value, "Foundation reads it too")
        #expect(JSONValue.number(3).jsonText == "3")
    }
}
