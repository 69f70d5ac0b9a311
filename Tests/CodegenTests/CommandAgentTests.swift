@testable import Codegen
import CodegenRules
import Foundation
import KinexusEvents
import Testing

/// How a configured agent command gets its prompt: quoted in place of `{prompt}`, or on stdin.
struct CommandAgentTests {
    let harness = CodegenHarness(redisDatabase: 5)

    func workspace() async throws -> Workspace {
        let repositories = LocalRepositories(root: harness.data + "/repositories")
        return try await Workspace.create(in: harness.data + "/workspaces", task: "t", run: UUID(),
                                          source: try await repositories.cloneSource(repository: "kinexus/agents"),
                                          baseBranch: "main", branch: "kinexus/task-agents")
    }

    func brief(_ prompt: String) -> TaskBrief {
        TaskBrief(request: CodegenRequested(taskID: "c0ffee00-0000-4000-8000-000000000000", prompt: prompt),
                  baseBranch: "main", timeout: .seconds(30))
    }

    @Test func thePromptReplacesThePlaceholderAsOneQuotedArgument() async throws {
        let hostile = #"Say "hi" $(touch pwned) `touch pwned2`; rm -rf / 'quoted'"#
        let workspace = try await workspace()
        defer { try? FileManager.default.removeItem(atPath: harness.data) }
        let agent = CommandAgent(command: "printf '%s' {prompt} > got.txt", timeout: .seconds(30),
                                 transcriptLimit: 4096, environment: ["PATH": "/usr/bin:/bin"])
        let run = try await agent.work(on: brief(hostile), in: workspace, progress: { _ in })
        #expect(run.succeeded, "\(run.standardError)")
        let got = try String(contentsOfFile: workspace.path + "/got.txt", encoding: .utf8)
        #expect(got == brief(hostile).markdown)
        #expect(!FileManager.default.fileExists(atPath: workspace.path + "/pwned"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path + "/pwned2"))
    }

    @Test func withoutThePlaceholderThePromptIsOnStdinAndKinexusSettingsStayBehind() async throws {
        let workspace = try await workspace()
        defer { try? FileManager.default.removeItem(atPath: harness.data) }
        let agent = CommandAgent(
            command: "cat > got.txt; echo \"$KINEXUS_TASK_ID $KINEXUS_BRANCH ${KINEXUS_API_TOKEN:-no-token} $(basename \"$KINEXUS_TASK_FILE\")\"",
            timeout: .seconds(30), transcriptLimit: 4096,
            environment: ["PATH": "/usr/bin:/bin", "KINEXUS_API_TOKEN": "secret", "KINEXUS_GITHUB_TOKEN": "ghp_secret"])
        let run = try await agent.work(on: brief("Do it."), in: workspace, progress: { _ in })
        #expect(try String(contentsOfFile: workspace.path + "/got.txt", encoding: .utf8) == brief("Do it.").markdown)
        #expect(run.transcript == "c0ffee00-0000-4000-8000-000000000000 kinexus/task-c0ffee00 no-token TASK.md\n")
    }
}
