import ArgumentParser
import EventPatterns
import Foundation
import KinexusJSON

/// Like `aws events test-event-pattern`: `{"Result": true}` or `{"Result": false}`; an invalid pattern
/// prints why and exits 2.
struct TestEventPatternCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-event-pattern", abstract: "Test whether an event pattern matches an event.")

    @Option(help: "The event pattern, as JSON.") var eventPattern: String
    @Option(help: "The event, as JSON.") var event: String

    func run() throws {
        let pattern: EventPattern
        do {
            pattern = try EventPattern(parsing: eventPattern)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        guard let json = try? JSONValue(parsing: event), case .object = json else {
            FileHandle.standardError.write(Data("invalid event: not a JSON object\n".utf8))
            throw ExitCode(2)
        }
        emit(#"{"Result": \#(pattern.matches(json))}"#)
    }
}
