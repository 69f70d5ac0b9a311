import ApproverMain
import ArgumentParser
import CodegenMain
import CustomerContextMain
import EventRouterMain
import Foundation
import IngressMain
import KinexusEvents
import KinexusPostgres
import KinexusRedis
import KnowledgeSyncMain
import Logging
import OrchestratorMain
import PostgresNIO
import ReviewerMain

/// `kinexus`: run a service, and operate the bus as `aws events` operates EventBridge.
public struct KinexusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kinexus",
        abstract: "Run a Kinexus service, or operate the Kinexus event bus on Redis streams.",
        discussion: "Connects to KINEXUS_REDIS_URL (default \(RedisConfiguration.defaultURL)).",
        subcommands: services + [
            PutEventsCommand.self, TapCommand.self, TestEventPatternCommand.self, DeadLetterCommand.self,
            ReplayCommand.self, StreamsCommand.self, TraceCommand.self, BenchCommand.self, BenchWorkerCommand.self, KnowledgeBenchCommand.self, GapBenchCommand.self,
            DiffBenchCommand.self,
            DemoCommand.self, UsersCommand.self,
        ])

    /// The services, each run as its own process: `kinexus orchestrator`.
    public static let services: [any ParsableCommand.Type] = [
        IngressCommand.self, OrchestratorCommand.self, ReviewerCommand.self, ApproverCommand.self, CodegenCommand.self,
        KnowledgeSyncCommand.self, CustomerContextCommand.self, EventRouterCommand.self,
    ]

    public init() {}

    /// Parses the command line and runs the chosen subcommand, exiting as ArgumentParser does on errors.
    /// (Called from the executable: a root command defined in a library cannot use `@main` itself.)
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The Redis connection every command but `test-event-pattern` uses.
enum CommandEnvironment {
    static func redis() throws -> RedisClient {
        let url = ProcessInfo.processInfo.environment["KINEXUS_REDIS_URL"] ?? RedisConfiguration.defaultURL
        do {
            return try RedisClient(url: url)
        } catch {
            throw CommandFailure("KINEXUS_REDIS_URL: \(error)")
        }
    }

    /// The Postgres of KINEXUS_POSTGRES_URL, not yet running.
    static func postgres(logger: Logger) throws -> PostgresClient {
        let url = ProcessInfo.processInfo.environment["KINEXUS_POSTGRES_URL"] ?? PostgresSettings.defaultURL
        return PostgresClient(configuration: try PostgresSettings.configuration(url: url), backgroundLogger: logger)
    }

    static var account: String { ProcessInfo.processInfo.environment["KINEXUS_ACCOUNT"] ?? "000000000000" }
    static var region: String { ProcessInfo.processInfo.environment["KINEXUS_REGION"] ?? "local" }
}

/// Writes one line to standard output at once, so piped output is never held back in a buffer.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func emitJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    emit(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Columns padded to their widest cell, two spaces apart.
func emitTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    for row in [header] + rows {
        let line = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        emit(String(line.reversed().drop(while: { $0 == " " }).reversed()))
    }
}

/// Parses `2026-11-22T10:00:00Z`, or a relative `-15m` / `-2h` / `-1d` before now.
func parseTime(_ text: String, now: Date = Date()) throws -> Date {
    if text.hasPrefix("-"), let unit = text.last, let amount = Double(text.dropFirst().dropLast()) {
        let seconds: Double? = switch unit {
        case "s": amount
        case "m": amount * 60
        case "h": amount * 3600
        case "d": amount * 86_400
        default: nil
        }
        if let seconds, seconds >= 0, seconds < 100 * 365 * 86_400 { return now.addingTimeInterval(-seconds) }
    }
    guard let date = EventEnvelope.parseTime(text) else {
        throw CommandFailure("'\(text)' is not a time: use ISO-8601 such as 2026-11-22T10:00:00Z, or -15m, -2h, -1d")
    }
    return date
}

/// A command that could not do its work: ArgumentParser prints `Error: <description>` and exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
