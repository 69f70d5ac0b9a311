import ArgumentParser
import DocumentReview
import Foundation
import NIOPosix

/// Measures the reviewer's line diff on large pages — time and peak memory — beside the standard library's
/// `CollectionDifference` (Myers too, without a bound on its search) on the same lines in the same run. Each
/// measurement runs in a process of its own, so that one's freed memory does not hide the next one's peak.
struct DiffBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-diff", abstract: "Benchmark the reviewer's line diff on large pages.")

    enum Pages: String, CaseIterable {
        case nextVersion = "next-version", repeatedLines = "repeated-lines", unrelated

        func lines(_ count: Int) -> (old: [String], new: [String]) {
            let page = (0..<count).map { "Line \($0) of the runbook: restart the worker, then check the queue." }
            switch self {
            case .nextVersion:
                var next = page
                for index in stride(from: 0, to: next.count, by: 50) { next[index] += " (revised)" }
                next.insert(contentsOf: (0..<100).map { "An inserted step \($0)." }, at: next.count / 2)
                next.removeSubrange(next.count * 3 / 4..<min(next.count, next.count * 3 / 4 + 100))
                return (page, next)
            case .repeatedLines:
                let repeated = (0..<count).map { ["", "---", "- step"][$0 % 3] }
                return (repeated, repeated.reversed())
            case .unrelated:
                return (page, page.map { $0 + " Rewritten." })
            }
        }

        var title: String {
            switch self {
            case .nextVersion: "against the next version (one line in 50 revised, 100 inserted, 100 removed)"
            case .repeatedLines: "of three repeated lines against the same reversed"
            case .unrelated: "against as many unrelated ones"
            }
        }
    }

    @Option(help: "Lines of each page.") var lines = 20_000
    @Option(help: "Lines of unrelated pages for CollectionDifference, whose memory grows with the square of the differences.")
    var unrelatedBaselineLines = 5_000
    @Option(help: .hidden) var measure: String?

    func run() async throws {
        if let measure { return try measureOnce(measure) }
        emit("# kinexus bench-diff: LineDiff (Myers, linear space) beside CollectionDifference, same lines, same run")
        for pages in Pages.allCases {
            let ours = try await measured(pages, lines, "LineDiff")
            let baselineLines = pages == .unrelated ? unrelatedBaselineLines : lines
            let library = try await measured(pages, baselineLines, "CollectionDifference")
            var line = "\(lines) lines \(pages.title): LineDiff \(ours.text) | CollectionDifference (\(baselineLines) lines) \(library.text)"
            if baselineLines == lines { line += String(format: " | time ratio %.2f", ours.seconds / library.seconds) }
            emit(line)
        }
    }

    /// Runs one measurement in a child process: `seconds megabytes`.
    private func measured(_ pages: Pages, _ count: Int, _ algorithm: String) async throws -> (seconds: Double, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["bench-diff", "--measure", "\(pages.rawValue):\(count):\(algorithm)"]
        let output = Pipe(), reader = output.fileHandleForReading
        process.standardOutput = output
        let ended = AsyncStream<Void> { continuation in process.terminationHandler = { _ in continuation.finish() } }
        try process.run()
        // The pipe's read blocks until the child ends: NIO's blocking-I/O pool, not the cooperative one.
        let text = String(decoding: try await NIOThreadPool.singleton.runIfActive { reader.readDataToEndOfFile() }, as: UTF8.self)
        for await _ in ended {}
        let fields = text.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard process.terminationStatus == 0, fields.count == 2 else {
            throw ValidationError("the measurement of \(algorithm) on \(pages.rawValue) failed: \(text)")
        }
        return (fields[0], String(format: "%.0f ms, %.0f MB", fields[0] * 1000, fields[1]))
    }

    /// `pages:lines:algorithm`: the time and how far resident memory peaked above where it stood before.
    private func measureOnce(_ what: String) throws {
        let parts = what.split(separator: ":").map(String.init)
        guard parts.count == 3, let pages = Pages(rawValue: parts[0]), let count = Int(parts[1]), (1...1_000_000).contains(count)
        else { throw ValidationError("--measure pages:lines:algorithm") }
        let (old, new) = pages.lines(count)
        let oldText = old.joined(separator: "\n"), newText = new.joined(separator: "\n")
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = Self.kilobytes("VmRSS")
        let started = ContinuousClock.now
        switch parts[2] {
        case "LineDiff": _ = LineDiff(from: oldText, to: newText).changes
        case "CollectionDifference": _ = new.difference(from: old).count
        default: throw ValidationError("the algorithm is LineDiff or CollectionDifference")
        }
        let seconds = (ContinuousClock.now - started).seconds
        emit("\(seconds) \(Double(max(0, Self.kilobytes("VmHWM") - before)) / 1024)")
    }

    static func kilobytes(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
