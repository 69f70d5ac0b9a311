import ArgumentParser
import Foundation
import KinexusBus

/// Per topic and group: length, pending, lag, consumers and the age of the oldest pending entry.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "streams", abstract: "Show every topic's groups: length, pending, lag, consumers.")

    @Flag(help: "JSON lines instead of a table.") var json = false

    func run() async throws {
        let redis = try CommandEnvironment.redis()
        let stats = try await BusAdmin(redis: redis).stats()
        await redis.shutdown()
        if json {
            for row in stats { try emitJSON(row) }
            return
        }
        let header = ["STREAM", "GROUP", "LENGTH", "PENDING", "LAG", "CONSUMERS", "OLDEST PENDING"]
        let rows = stats.map { row in
            [row.stream, row.group, String(row.length), String(row.pending), row.lag.map(String.init) ?? "?",
             String(row.consumers), row.oldestPendingAgeSeconds.map { String(format: "%.1fs", $0) } ?? "-"]
        }
        emitTable(header, rows)
    }
}
