@testable import Codegen
import Foundation
import Testing

/// A task's runs share its directory: an iteration's clone starts while the run before it is still
/// cleaning up after itself.
struct WorkspaceTests {
    let harness = CodegenHarness(redisDatabase: 5)

    @Test func aRunCleaningUpNeverTakesTheNextRunsCloneAway() async throws {
        defer { try? FileManager.default.removeItem(atPath: harness.data) }
        let source = try await LocalRepositories(root: harness.data + "/repositories").cloneSource(repository: "kinexus/runs")
        func create() async throws -> Workspace {
            try await Workspace.create(in: harness.data + "/workspaces", task: "t", run: UUID(), source: source,
                                       baseBranch: "main", branch: "main")
        }
        for _ in 0..<40 {
            let finished = try await create()
            async let cleanedUp: Void = finished.remove()
            let next = try await create()
            await cleanedUp
            #expect(FileManager.default.fileExists(atPath: next.path + "/README.md"))
            #expect(!FileManager.default.fileExists(atPath: finished.path))
            await next.remove()
        }
    }

    @Test func aDeadRunsCloneGoesWhenTheTaskRunsAgainAndOtherTasksKeepTheirs() async throws {
        defer { try? FileManager.default.removeItem(atPath: harness.data) }
        let source = try await LocalRepositories(root: harness.data + "/repositories").cloneSource(repository: "kinexus/runs")
        func create(_ task: String) async throws -> Workspace {
            try await Workspace.create(in: harness.data + "/workspaces", task: task, run: UUID(), source: source,
                                       baseBranch: "main", branch: "main")
        }
        let dead = try await create("t"), otherTask = try await create("u")
        let next = try await create("t")
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        #expect(FileManager.default.fileExists(atPath: next.path + "/README.md"))
        #expect(FileManager.default.fileExists(atPath: otherTask.path + "/README.md"))
    }
}
