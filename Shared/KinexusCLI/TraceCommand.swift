import ArgumentParser
import KinexusBus

/// `kinexus trace <event-id | correlation-id>`: the path of an event through the streams.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show every entry of an event's chain, oldest first, with what each group did with it.",
        discussion: """
            The chain is every entry sharing the event's correlation id, on every topic stream. Each group reading \
            an entry's stream has handled it, holds it pending (running, or waiting for its next attempt), dead-lettered \
            it, skipped it (a copy for another group), or is yet to read it. Reads every stream whole: a tool for \
            finding out, not for a request path.
            """)

    @Argument(help: "An event id or a correlation id.") var id: String
    @Flag(help: "JSON lines instead of a table.") var json = false

    func run() async throws {
        let redis = try CommandEnvironment.redis()
        let steps = try await EventTrail(redis: redis).steps(of: id)
        await redis.shutdown()
        guard !steps.isEmpty else { throw CommandFailure("no stream holds an event with the id or correlation id '\(id)'") }
        if json {
            for step in steps { try emitJSON(step) }
            return
        }
        emit("correlation \(steps[0].correlationID)" + (steps[0].traceID.map { ", trace \($0)" } ?? ""))
        emitTable(["TIME", "DETAIL TYPE", "EVENT", "STREAM ENTRY", "GROUPS"], steps.map { step in
            let groups = step.groups.map { "\($0.group): \($0.summary)" }.joined(separator: "; ")
            return [step.time, step.detailType, step.eventID, step.entryID, groups.isEmpty ? "(no group reads it)" : groups]
        })
    }
}
