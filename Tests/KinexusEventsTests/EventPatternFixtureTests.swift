import EventPatterns
import Foundation
import KinexusJSON
import Testing

/// The 300 labelled cases computed by aws/event-ruler 2.0.1 (`Tests/Fixtures/event-patterns.jsonl`).
struct EventPatternFixtureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let line: Int
        let pattern: JSONValue
        let event: JSONValue
        /// true, false, or nil for a pattern that must be rejected.
        let expected: Bool?

        var testDescription: String { "line \(line): \(pattern.jsonText)" }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures/event-patterns.jsonl").standardizedFileURL
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("cannot read \(url.path): the fixtures are in the repository")
        }
        return text.split(separator: "\n").enumerated().map { index, line in
            let json = try! JSONValue(parsing: String(line))
            let expected: Bool? = switch json["expected"] {
            case .bool(let value)?: value
            default: nil
            }
            return Case(line: index + 1, pattern: json["pattern"]!, event: json["event"]!, expected: expected)
        }
    }()

    @Test func allThreeHundredCasesAreLoaded() {
        #expect(Self.cases.count == 300)
    }

    @Test(arguments: cases)
    func matchesTheReferenceImplementation(_ fixture: Case) throws {
        switch fixture.expected {
        case let expected?:
            let pattern = try EventPattern(fixture.pattern)
            #expect(pattern.matches(fixture.event) == expected)
        case nil:
            #expect(throws: EventPatternError.self) { try EventPattern(fixture.pattern) }
        }
    }
}
