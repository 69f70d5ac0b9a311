@testable import Codegen
import Foundation
import KinexusTestSupport
import Testing

/// Child processes: their whole group ends with them, on timeout and on cancellation; output is kept capped.
struct SpawnedProcessTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kinexus-spawn-\(UUID().uuidString)").path

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func shell(_ script: String, timeout: Duration = .seconds(20), limit: Int = 64 * 1024) -> SpawnedProcess {
        SpawnedProcess(executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"],
                       workingDirectory: directory, input: "the prompt\n", timeout: timeout, outputLimit: limit)
    }

    /// A process that exists and is not a zombie waiting for its parent (init) to reap it.
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        return state != "Z"
    }

    func backgroundPID() throws -> Int32 {
        try #require(Int32(try String(contentsOfFile: directory + "/child.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func runsInTheDirectoryWithTheInputAndKeepsBothOutputs() async throws {
        let outcome = try await shell("pwd; cat; echo oops >&2; exit 3").run()
        #expect(outcome.status == 3)
        #expect(!outcome.timedOut)
        #expect(outcome.standardOutput == "\(directory)\nthe prompt\n")
        #expect(outcome.standardError == "oops\n")
    }

    @Test func aTimedOutProcessTakesEverythingItStartedWithIt() async throws {
        let outcome = try await shell("sleep 60 & echo $! > child.pid; sleep 60", timeout: .seconds(1)).run()
        #expect(outcome.timedOut)
        // Ended by a signal, not by its sleep's end.
        #expect([128 + SIGTERM, 128 + SIGKILL].contains(outcome.status))
        let child = try backgroundPID()
        #expect(await eventuallyGone(child), "the agent's background process \(child) outlived the timeout")
    }

    @Test func aProcessThatIgnoresTermIsKilled() async throws {
        let outcome = try await shell("trap '' TERM; sleep 60 & echo $! > child.pid; while true; do sleep 1; done",
                                      timeout: .milliseconds(500)).run()
        #expect(outcome.timedOut)
        #expect(outcome.status == 128 + SIGKILL)
        #expect(await eventuallyGone(try backgroundPID()))
    }

    @Test func whatTheProcessLeavesRunningAfterItExitsIsStopped() async throws {
        let outcome = try await shell("sleep 60 & echo $! > child.pid; exit 0").run()
        #expect(outcome.status == 0)
        #expect(await eventuallyGone(try backgroundPID()))
    }

    @Test func cancellingTheTaskKillsTheGroup() async throws {
        let process = shell("sleep 60 & echo $! > child.pid; sleep 60")
        let running = Task { try await process.run() }
        let child = try #require(await recordedProcessID(at: directory + "/child.pid"))
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
        #expect(await eventuallyGone(child))
    }

    @Test func longOutputKeepsItsStartAndEnd() async throws {
        let outcome = try await shell("echo FIRST; yes line | head -n 100000; echo LAST", limit: 2048).run()
        #expect(outcome.standardOutput.hasPrefix("FIRST\n"))
        #expect(outcome.standardOutput.hasSuffix("LAST\n"))
        #expect(outcome.standardOutput.contains("bytes cut"))
        #expect(outcome.standardOutput.utf8.count < 2200)
    }

    @Test func aLargeInputArrivesWhole() async throws {
        let input = String(repeating: "0123456789abcdef", count: 20_000)
        var process = shell("wc -c; echo done >&2")
        process.input = input
        let outcome = try await process.run()
        #expect(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "\(input.utf8.count)")
        #expect(outcome.standardError == "done\n")
    }

    @Test func anInputTheProcessNeverReadsIsDropped() async throws {
        var process = shell("exit 0")
        process.input = String(repeating: "unread ", count: 100_000)
        #expect(try await process.run().status == 0)
    }

    @Test func aProcessThatLeavesItsGroupCannotHoldTheRunOpen() async throws {
        let outcome = try await shell("setsid sleep 120 & echo $! > child.pid; echo bye").run()
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == "bye\n")
        let child = try backgroundPID()
        #expect(Self.isAlive(child), "the run waited for the process that left its group to end")
        kill(child, SIGKILL)
    }

    @Test func cappedOutputKeepsHeadAndTail() {
        var capped = CappedOutput(limit: 10)
        let text = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        text.withUnsafeBytes { capped.append($0) }
        #expect(capped.text == "abcde\n[… 16 bytes cut …]\nvwxyz")
        var short = CappedOutput(limit: 10)
        Array("abc".utf8).withUnsafeBytes { short.append($0) }
        #expect(short.text == "abc")
    }

    func eventuallyGone(_ pid: Int32) async -> Bool {
        await eventually { !Self.isAlive(pid) }
    }
}
