import ArgumentParser
import DocumentReview
import Foundation

/// Measures the reviewer's line diff on large pages — time and peak memory — beside the standard library's
/// `CollectionDifference` (Myers too, keeping every round's frontier) on the same lines in the same run.
struct DiffBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-diff", abstract: "Benchmark the reviewer's line diff on large pages.")

    @Option(help: "Lines of each page.") var lines = 20_000
    @Option(help: "Lines of the pages CollectionDifference compares when they share nothing (it needs memory quadratic in the differences).")
    var unrelatedBaselineLines = 5_000

    func run() async throws {
        emit("# kinexus bench-diff: LineDiff (Myers, linear space) beside CollectionDifference, same lines, same run")
        let page = Self.page(lines)
        var next = page
        for index in stride(from: 0, to: next.count, by: 50) { next[index] += " (revised)" }
        next.insert(contentsOf: (0..<100).map { "An inserted step \($0)." }, at: next.count / 2)
        next.removeSubrange(next.count * 3 / 4..<(next.count * 3 / 4 + 100))
        compare("\(lines) lines against the next version (one line in 50 revised, 100 inserted, 100 removed)", page, next)
        let repeated = (0..<lines).map { ["", "---", "- step"][$0 % 3] }
        compare("\(lines) lines of three repeated lines against the same reversed", repeated, repeated.reversed())
        let unrelated = page.map { $0 + " Rewritten." }
        let diff = Self.measure { LineDiff(from: page.joined(separator: "\n"), to: unrelated.joined(separator: "\n")).changes }
        emit("\(lines) lines against \(lines) unrelated ones: LineDiff \(diff.text)")
        let small = Array(page.prefix(unrelatedBaselineLines))
        compare("\(unrelatedBaselineLines) lines against \(unrelatedBaselineLines) unrelated ones", small, small.map { $0 + " Rewritten." })
    }

    private func compare(_ name: String, _ old: [String], _ new: [String]) {
        let ours = Self.measure { LineDiff(from: old.joined(separator: "\n"), to: new.joined(separator: "\n")).changes }
        let library = Self.measure { new.difference(from: old).count }
        emit("\(name): LineDiff \(ours.text) | CollectionDifference \(library.text) | time ratio "
            + String(format: "%.2f", ours.seconds / library.seconds))
    }

    static func page(_ lines: Int) -> [String] {
        (0..<lines).map { "Line \($0) of the runbook: restart the worker, then check the queue." }
    }

    /// The time `work` takes and how far the process's resident memory rose above where it stood: the peak
    /// (`VmHWM`) is reset first through `/proc/self/clear_refs`.
    static func measure(_ work: () -> Int) -> (seconds: Double, megabytes: Double, text: String) {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = kilobytes("VmRSS")
        let started = ContinuousClock.now
        _ = work()
        let seconds = (ContinuousClock.now - started).seconds
        let megabytes = Double(max(0, kilobytes("VmHWM") - before)) / 1024
        return (seconds, megabytes, String(format: "%.0f ms, %.0f MB", seconds * 1000, megabytes))
    }

    static func kilobytes(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
