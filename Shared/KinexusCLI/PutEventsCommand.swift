import ArgumentParser
import EventBridgeRules
import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON

/// Like `aws events put-events`: one event from options, or many from a file of PutEvents entries, each
/// checked by the rule the AWS endpoint applies (`PutEventsEntry`). Nothing is published unless every entry passes.
struct PutEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-events", abstract: "Publish events by hand; prints their ids.")

    @Option(help: "The event source, such as kinexus.jira.") var source: String?
    @Option(help: "The detail-type, such as ChangeDetected.") var detailType: String?
    @Option(help: "The detail, as a JSON object.") var detail: String?
    @Option(help: "A JSON file with an array of {\"Source\", \"DetailType\", \"Detail\", \"Resources\"} entries.")
    var entries: String?
    @Option(help: "The correlation id to carry; a new one per event when omitted.") var correlationId: String?

    func validate() throws {
        if entries == nil, source == nil || detailType == nil || detail == nil {
            throw ValidationError("give --source, --detail-type and --detail, or --entries FILE")
        }
        if entries != nil, source != nil || detailType != nil || detail != nil {
            throw ValidationError("--entries cannot be combined with --source, --detail-type or --detail")
        }
    }

    func run() async throws {
        let bus = EventBus(account: CommandEnvironment.account, region: CommandEnvironment.region)
        let events = try readEntries().enumerated().map { index, entry in
            switch PutEventsEntry.envelope(of: entry, on: bus) {
            case .success(let envelope): return EventPublisher.Outgoing(envelope: envelope, correlationID: correlationId)
            case .failure(let failure): throw CommandFailure("entry \(index + 1): \(failure.message)")
            }
        }
        let redis = try CommandEnvironment.redis()
        let publisher = EventPublisher(redis: redis, account: bus.account, region: bus.region)
        _ = try await publisher.publish(events)
        await redis.shutdown()
        emit(#"{"FailedEntryCount":0,"Entries":["# + events.map { #"{"EventId":"\#($0.envelope.id)"}"# }.joined(separator: ",") + "]}")
    }

    private func readEntries() throws -> [JSONValue] {
        guard let entries else {
            return [.object(["Source": .string(source ?? ""), "DetailType": .string(detailType ?? ""), "Detail": .string(detail ?? "")])]
        }
        guard let data = FileManager.default.contents(atPath: entries) else {
            throw CommandFailure("cannot read \(entries)")
        }
        guard case .array(let values)? = try? JSONValue(parsing: Array(data)) else {
            throw CommandFailure("\(entries) is not a JSON array of PutEvents entries")
        }
        return values
    }
}
