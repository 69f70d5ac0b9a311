import ArgumentParser
import Foundation
import KinexusBus
import KinexusJSON

struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "List, show and redrive dead-lettered events.",
        subcommands: [List.self, Show.self, Redrive.self])

    /// One letter as printed: everything but the envelope, unless asked for.
    struct Printed: Encodable {
        let group: String
        let id: String
        let eventID: String?
        let detailType: String?
        let errorCode: String?
        let errorMessage: String?
        let attempts: Int?
        let stream: String?
        let failedAt: String?
        let envelope: JSONValue?

        init(group: String, letter: DeadLetters.Letter, withEnvelope: Bool) {
            self.group = group
            id = letter.id
            eventID = letter.eventID
            detailType = letter.detailType
            errorCode = letter.errorCode
            errorMessage = letter.errorMessage
            attempts = letter.attempts
            stream = letter.sourceStream
            failedAt = letter.fields["failed_at"]
            envelope = withEnvelope ? letter.envelopeJSON.flatMap { try? JSONValue(parsing: $0) } : nil
        }

        enum CodingKeys: String, CodingKey {
            case group, id, eventID = "event_id", detailType = "detail_type", errorCode = "error_code"
            case errorMessage = "error_message", attempts, stream, failedAt = "failed_at", envelope
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters, newest first, as JSON lines.")
        @Option(help: "Only this group's letters; every group's when omitted.") var group: String?
        @Option(help: "At most this many per group.") var limit = 100

        func run() async throws {
            let redis = try CommandEnvironment.redis()
            var groups = group.map { [$0] } ?? []
            if group == nil { groups = try await BusAdmin(redis: redis).deadLetterGroups() }
            for group in groups {
                for letter in try await DeadLetters(redis: redis, group: group).list(count: limit) {
                    try emitJSON(Printed(group: group, letter: letter, withEnvelope: false))
                }
            }
            await redis.shutdown()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one dead letter with its event.")
        @Option(help: "The consumer group.") var group: String
        @Argument(help: "The dead letter's id, as `dlq list` prints it.") var id: String

        func run() async throws {
            let redis = try CommandEnvironment.redis()
            let letter = try await DeadLetters(redis: redis, group: group).letter(id: id)
            await redis.shutdown()
            guard let letter else { throw CommandFailure("no dead letter \(id) in kinexus:dlq:\(group)") }
            try emitJSON(Printed(group: group, letter: letter, withEnvelope: true))
        }
    }

    struct Redrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead letters back to their topics, for their group alone to handle again.")
        @Option(help: "The consumer group.") var group: String
        @Argument(help: "The ids of the letters to redrive.") var ids: [String] = []
        @Flag(help: "Redrive every letter of the group.") var all = false

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give letter ids or --all, not both or neither") }
        }

        func run() async throws {
            let redis = try CommandEnvironment.redis()
            let deadLetters = DeadLetters(redis: redis, group: group)
            let publisher = EventPublisher(redis: redis, account: CommandEnvironment.account,
                                           region: CommandEnvironment.region)
            do {
                let redriven = all
                    ? try await deadLetters.redriveAll(publisher: publisher)
                    : try await deadLetters.redrive(ids: ids, publisher: publisher)
                try emitJSON(["redriven": redriven])
            } catch let error as BusError {
                await redis.shutdown()
                throw CommandFailure("\(error)")
            }
            await redis.shutdown()
        }
    }
}
