@testable import Codegen
import CodegenRules
import KinexusEvents
import Testing

/// What the agent and the reviewers read: branch names, TASK.md, the scaffold's feature file.
struct TaskBriefTests {
    let login = AcceptanceCriterion(
        title: "Sign in", given: ["a registered user", "the sign-in page"], when: ["they submit valid credentials"],
        then: ["they see their dashboard within 2 seconds"])

    func brief(storyID: String? = "5F2A9C1E-0000-4000-8000-000000000001", title: String? = "Sign in with e-mail",
               tests: [AcceptanceCriterion]? = nil) -> TaskBrief {
        TaskBrief(request: CodegenRequested(taskID: "9D8C7B6A-1111-4222-8333-444455556666", prompt: "Let users sign in.\nWith e-mail.",
                                            storyID: storyID, title: title, acceptanceTests: tests ?? [login]),
                  baseBranch: "main", timeout: .seconds(300))
    }

    @Test func branchesNameTheStoryOrTheTaskAndTheTask() {
        #expect(brief().branch == "kinexus/story-9d8c7b6a")
        #expect(brief(storyID: nil).branch == "kinexus/task-9d8c7b6a")
        #expect(CodegenRequested.isValidBranch(brief().branch))
    }

    @Test func taskFileHasObjectiveCriteriaAndConstraints() {
        let markdown = brief().markdown
        #expect(markdown.hasPrefix("# Sign in with e-mail\n"))
        #expect(markdown.contains("## Objective\n\nLet users sign in.\nWith e-mail.\n"))
        #expect(markdown.contains("### Sign in\n\n- **Given** a registered user\n- **Given** the sign-in page\n"
            + "- **When** they submit valid credentials\n- **Then** they see their dashboard within 2 seconds\n"))
        #expect(markdown.contains("## Constraints"))
        #expect(markdown.contains("300 seconds"))
    }

    @Test func aTaskWithoutTitleIsNamedByItsFirstLine() {
        #expect(brief(storyID: nil, title: nil).title == "Let users sign in.")
        #expect(brief(storyID: nil, title: nil).pullRequestTitle == "Let users sign in.")
        #expect(brief().pullRequestTitle == "Story: Sign in with e-mail")
    }

    @Test func scaffoldFeatureHasAScenarioPerTest() {
        let feature = ScaffoldAgent.feature(brief())
        #expect(feature.contains("Feature: Sign in with e-mail\n"))
        #expect(feature.contains("""
              @pending
              Scenario: Sign in
                Given a registered user
                And the sign-in page
                When they submit valid credentials
                Then they see their dashboard within 2 seconds
            """))
        #expect(ScaffoldAgent.feature(brief(tests: [])).contains("Scenario: Sign in with e-mail"))
        #expect(ScaffoldAgent.slug("Sign in: e-mail & SSO!") == "sign-in-e-mail-sso")
        #expect(ScaffoldAgent.slug("日本語") == "task")
    }

    @Test(arguments: [
        ("acme/web", true), ("acme/web.site_2-x", true), ("acme", false), ("acme/web/extra", false), ("../web", false),
        ("acme/..", false), ("acme/ web", false), ("/web", false),
    ])
    func repositoryNames(name: String, valid: Bool) {
        #expect(CodegenRequested.isValidRepository(name) == valid)
    }

    @Test(arguments: [
        ("main", true), ("release/1.2", true), ("-rf", false), ("a..b", false), ("a b", false), ("x.lock", false),
        ("feature/", false), ("a~1", false), ("refs/.hidden", false), ("@", false),
    ])
    func branchNames(name: String, valid: Bool) {
        #expect(CodegenRequested.isValidBranch(name) == valid)
    }

    @Test func rawDiffAndNumstatAreRead() {
        let raw = ":000000 100644 0000000 1111111 A\0src/new.swift\0:100644 100755 2222222 3333333 M\0run.sh\0"
            + ":100644 000000 4444444 0000000 D\0old.txt\0"
        #expect(FileChange.parse(rawDiff: raw) == [
            FileChange(path: "src/new.swift", kind: .added, mode: "100644"),
            FileChange(path: "run.sh", kind: .modified, mode: "100755"),
            FileChange(path: "old.txt", kind: .deleted, mode: nil),
        ])
        let stat = DiffStat(numstat: "10\t0\tsrc/new.swift\n1\t1\trun.sh\n-\t-\tlogo.png\n")
        #expect(stat.filesChanged == 3 && stat.insertions == 11 && stat.deletions == 1)
        #expect(stat.summary == "3 files changed, 11 insertions(+), 1 deletion(-)")
    }
}
