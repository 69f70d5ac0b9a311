@testable import Codegen
import CodegenRules
import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusTestSupport
import PostgresNIO
import Testing

/// Tasks through the codegen worker on the bus, with real git and scripted agents.
@Suite(.serialized)
struct CodegenFlowTests {
    let harness = CodegenHarness(redisDatabase: 5)

    @Test func aScriptedAgentsChangesBecomeABranchAndAPullRequest() async throws {
        // The prompt arrives on stdin: the agent keeps its first line, adds a file (committing it itself) and
        // edits the README.
        let agent = harness.scripted("""
            head -n 1 > prompt-title.txt
            mkdir -p Sources && printf 'func greet() -> String { "hello" }\\n' > Sources/Greeting.swift
            git add Sources && git -c user.name=Agent -c user.email=agent@example.com commit -qm "the agent's own commit"
            printf '\\nGreets people.\\n' >> README.md
            echo "edited three files"
            """)
        try await harness.withCodegen(agent: agent) { publisher, postgres, redis in
            let request = harness.request(storyID: "4b1d0c2e-0000-4000-8000-00000000000a", tests: [
                AcceptanceCriterion(title: "Greeting", given: ["a visitor"], when: ["they open the page"], then: ["they see hello"]),
            ])
            try await publisher.publish(request, source: .stories)
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "completed", "\(task.error ?? "")")
            #expect(task.transcript == "edited three files\n")
            let pull = try #require(try await harness.pullRequest(of: request.taskID, postgres))
            let branch = "kinexus/story-\(request.taskID.prefix(8))"
            #expect(pull.branch == branch)
            #expect(Set(pull.files) == ["README.md", "Sources/Greeting.swift", "prompt-title.txt"])
            #expect(pull.filesChanged == 3)
            #expect(pull.diffStat == "3 files changed, 4 insertions(+), 0 deletions(-)")
            #expect(pull.url.hasPrefix("http://kinexus.test/api/codegen/pulls/"))
            #expect(pull.body.contains("- **Then** they see hello"))
            #expect(try await harness.inRepository("show", "\(branch):prompt-title.txt") == "# Greet the user\n")
            #expect(try await harness.inRepository("show", "\(branch):Sources/Greeting.swift").contains("hello"))
            // TASK.md is for the agent, not for the repository; the branch is one commit on main, the agent's own
            // commit included.
            let tree = try await harness.inRepository("ls-tree", "-r", "--name-only", branch)
            #expect(!tree.contains("TASK.md"))
            #expect(try await harness.inRepository("rev-parse", "\(branch)~1") == (try await harness.inRepository("rev-parse", "main")))
            let completed = try await harness.published(CodegenCompleted.self, redis) { $0.taskID == request.taskID }
            #expect(completed?.branch == branch)
            #expect(completed?.filesChanged == 3)
            #expect(try await harness.published(CodegenStarted.self, redis) { $0.taskID == request.taskID } != nil)
        }
    }

    @Test func whatARunningAgentWritesIsKeptAndAnnouncedBeforeItEnds() async throws {
        // The agent writes a line, then waits for the test to have seen it kept with the task before it ends.
        let agent = harness.scripted("""
            echo "reading the repository"
            while [ ! -f "$DATA/seen" ]; do sleep 0.1; done
            echo done > done.txt
            echo "finished"
            """)
        try await harness.withCodegen(agent: agent) { publisher, postgres, redis in
            let request = harness.request()
            try await publisher.publish(request, source: .stories)
            let kept = await eventually(every: .milliseconds(100)) {
                (try? await harness.task(request.taskID, postgres))??.transcript == "reading the repository\n"
            }
            #expect(kept, "the transcript so far is kept while the agent runs")
            #expect(try await harness.task(request.taskID, postgres)?.status == "processing")
            let progressed = try await harness.published(CodegenProgressed.self, redis) { $0.taskID == request.taskID }
            #expect(progressed?.transcriptBytes == "reading the repository\n".utf8.count)
            #expect(FileManager.default.createFile(atPath: harness.data + "/seen", contents: nil))
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "completed", "\(task.error ?? "")")
            #expect(task.transcript == "reading the repository\nfinished\n")
        }
    }

    @Test func theScaffoldAgentWritesPendingScenarios() async throws {
        try await harness.withCodegen(agent: ScaffoldAgent()) { publisher, postgres, redis in
            let request = harness.request(storyID: "4b1d0c2e-0000-4000-8000-00000000000b", tests: [
                AcceptanceCriterion(title: "Greeting", given: ["a visitor"], when: ["they open the page"], then: ["they see hello"]),
            ])
            try await publisher.publish(request, source: .stories)
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "completed", "\(task.error ?? "")")
            #expect(task.transcript?.contains("scaffold agent") == true)
            let pull = try #require(try await harness.pullRequest(of: request.taskID, postgres))
            #expect(pull.files == ["tests/acceptance/greet-the-user.feature"])
            let feature = try await harness.inRepository("show", "\(pull.branch):tests/acceptance/greet-the-user.feature")
            #expect(feature.contains("Scenario: Greeting\n    Given a visitor\n    When they open the page\n    Then they see hello\n"))
        }
    }

    @Test func anAgentThatExitsNonZeroFailsTheTaskWithItsStandardError() async throws {
        try await harness.withCodegen(agent: harness.scripted("echo partial work; echo 'cargo: command not found' >&2; exit 127")) {
            publisher, postgres, redis in
            let request = harness.request()
            try await publisher.publish(request, source: .stories)
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "failed")
            #expect(task.error == "the agent exited with status 127: cargo: command not found")
            #expect(task.transcript == "partial work\n")
            #expect(try await harness.pullRequest(of: request.taskID, postgres) == nil)
            let failed = try await harness.published(CodegenFailed.self, redis) { $0.taskID == request.taskID }
            #expect(failed?.error == task.error)
        }
    }

    @Test func aTimedOutAgentIsStoppedWithEverythingItStarted() async throws {
        let agent = harness.scripted("sleep 120 & echo $! > \"$DATA/child-$$.pid\"; sleep 120", timeoutSeconds: 1)
        try await harness.withCodegen(agent: agent, timeoutSeconds: 1) { publisher, postgres, redis in
            let request = harness.request()
            try await publisher.publish(request, source: .stories)
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "failed")
            #expect(task.error?.contains("timeout of 1 s") == true)
            let pidFile = try #require(try FileManager.default.contentsOfDirectory(atPath: harness.data).first { $0.hasPrefix("child-") })
            let child = try #require(Int32(try String(contentsOfFile: harness.data + "/" + pidFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(await eventually { !SpawnedProcessTests.isAlive(child) })
        }
    }

    @Test func requestsThatCannotBeSafeTasksAreRefused() async throws {
        try await harness.withCodegen(agent: harness.scripted("echo x > x.txt")) { publisher, postgres, redis in
            // A task id names a directory under the data directory: one that climbs out is dead-lettered.
            let escaping = try await publisher.publish(CodegenRequested(taskID: "../../escape", prompt: "x"), source: .stories)
            var request = harness.request()
            request.baseBranch = "--upload-pack=touch /tmp/pwned"
            try await publisher.publish(request, source: .stories)
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "failed")
            #expect(task.error == "'--upload-pack=touch /tmp/pwned' is not a git branch name")
            #expect(try await eventually {
                let streams = try await redis.send("KEYS", "kinexus:dlq:codegen-*").array?.compactMap(\.string) ?? []
                for stream in streams {
                    let entries = StreamEntry.parseEntries(try await redis.send("XRANGE", stream, "-", "+"), stream: stream)
                    if entries.contains(where: { $0.fields?["event_id"] == escaping.id && $0.fields?["error_code"] == "invalid_task_id" }) {
                        return true
                    }
                }
                return false
            })
            #expect(try await harness.task("../../escape", postgres) == nil)
        }
    }

    @Test func anAgentThatChangesNothingFailsTheTask() async throws {
        try await harness.withCodegen(agent: harness.scripted("echo nothing to do")) { publisher, postgres, redis in
            let request = harness.request()
            try await publisher.publish(request, source: .stories)
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "failed")
            #expect(task.error == "the agent changed nothing, so there is no pull request")
        }
    }

    /// Works one second, logging when it starts and ends, and changes a file.
    static let oneSecondAgent = """
        echo "start $(date +%s%N)" >> "$DATA/pool.log"
        sleep 1
        echo "$KINEXUS_TASK_ID" > done.txt
        echo "end $(date +%s%N)" >> "$DATA/pool.log"
        """

    @Test func tenTasksOnFiveSessionsRunFiveAtATimeAndAllComplete() async throws {
        let agent = harness.scripted(Self.oneSecondAgent)
        try await harness.withCodegen(agent: agent, maxSessions: 5) { publisher, postgres, redis in
            let requests = (0..<10).map { _ in harness.request() }
            for request in requests { try await publisher.publish(request, source: .stories) }
            for request in requests {
                let task = try #require(try await harness.finished(request.taskID, postgres))
                #expect(task.status == "completed", "\(task.error ?? "")")
            }
            let log = try String(contentsOfFile: harness.data + "/pool.log", encoding: .utf8)
            let changes = log.split(separator: "\n").compactMap { line -> (UInt64, Int)? in
                let parts = line.split(separator: " ")
                guard parts.count == 2, let time = UInt64(parts[1]) else { return nil }
                return (time, parts[0] == "start" ? 1 : -1)
            }.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            #expect(changes.count == 20)
            var running = 0, most = 0
            for (_, change) in changes {
                running += change
                most = max(most, running)
            }
            #expect(most <= 5, "\(most) agents ran at once on 5 sessions")
            #expect(most >= 3, "only \(most) agents ran at once: the pool does not run in parallel")
        }
    }

    @Test func twoReplicasShareTheWorkEachWithinItsOwnLimit() async throws {
        let agent = harness.scripted(Self.oneSecondAgent)
        try await harness.withCodegen(agent: agent, maxSessions: 2, replicas: 2) { publisher, postgres, redis in
            let requests = (0..<6).map { _ in harness.request() }
            for request in requests { try await publisher.publish(request, source: .stories) }
            for request in requests {
                #expect(try await harness.finished(request.taskID, postgres)?.status == "completed")
            }
            let rows = try await postgres.query(
                "SELECT count(DISTINCT consumer)::int FROM codegen.tasks WHERE task_id = ANY(\(requests.map(\.taskID)))",
                logger: harness.logger)
            for try await consumers in rows.decode(Int.self) { #expect(consumers == 2) }
        }
    }

    @Test func aTaskLeftByADeadRunStartsAgainFromACleanWorkspace() async throws {
        try await harness.withCodegen(agent: harness.scripted("echo fresh > fresh.txt")) { publisher, postgres, redis in
            let request = harness.request()
            let settings = try harness.settings()
            // The dead run's row, its session and a workspace it left half written.
            let brief = TaskBrief(request: request, baseBranch: "main", timeout: .seconds(60))
            let store = TaskStore(client: postgres, logger: harness.logger)
            let deadRun = UUID()
            #expect(try await store.start(brief, repository: settings.repository, run: deadRun, consumer: "dead", chain: harness.chain)
                == .started(attempt: 1))
            let deadWorkspace = "\(settings.workspaces)/\(request.taskID)-\(deadRun.uuidString.lowercased())"
            try FileManager.default.createDirectory(atPath: deadWorkspace, withIntermediateDirectories: true)
            try Data("junk".utf8).write(to: URL(fileURLWithPath: "\(deadWorkspace)/leftover.txt"))
            try await publisher.publish(request, source: .stories)
            let task = try #require(try await harness.finished(request.taskID, postgres))
            #expect(task.status == "completed", "\(task.error ?? "")")
            #expect(task.attempts == 2)
            #expect(try await harness.pullRequest(of: request.taskID, postgres)?.files == ["fresh.txt"])
            // The workspace goes once the outcome is recorded.
            #expect(await eventually {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: settings.workspaces)) ?? []
                return !names.contains { $0.hasPrefix(request.taskID) }
            })
        }
    }

    @Test func aRunThatLostItsTaskCannotFinishIt() async throws {
        try await harness.withCodegen(agent: ScaffoldAgent()) { _, postgres, _ in
            let store = TaskStore(client: postgres, logger: harness.logger)
            let brief = TaskBrief(request: harness.request(), baseBranch: "main", timeout: .seconds(60))
            let (stalled, current) = (UUID(), UUID())
            _ = try await store.start(brief, repository: "kinexus/workspace", run: stalled, consumer: "a", chain: harness.chain)
            #expect(try await store.start(brief, repository: "kinexus/workspace", run: current, consumer: "b", chain: harness.chain)
                == .started(attempt: 2))
            #expect(try await store.fail(taskID: brief.taskID, run: stalled, error: "late", transcript: "") == false)
            #expect(try await store.fail(taskID: brief.taskID, run: current, error: "real", transcript: "") == true)
            // Finished: a redelivery runs nothing and learns the outcome.
            #expect(try await store.start(brief, repository: "kinexus/workspace", run: UUID(), consumer: "c", chain: harness.chain)
                == .finished(.failed(error: "real")))
        }
    }
}
