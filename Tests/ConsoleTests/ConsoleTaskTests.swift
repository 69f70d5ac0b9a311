import Foundation
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusTestSupport
import Logging
import PostgresNIO
import Testing

/// A task's page: its iterations with their feedback, answers and transcripts, and "Ask for changes".
@Suite(.serialized)
struct ConsoleTaskTests {
    let harness = ConsoleHarness()
    static let feedback = Topic(source: "kinexus.console", detailType: CodegenFeedbackSubmitted.detailType).streamKey

    /// A story's task asked for in the console, as codegen records it once `status`, with one iteration
    /// and feedback waiting and refused when `iterated`; its path and id.
    func task(_ visitor: Visitor, _ world: ConsoleHarness.World, status: String = "completed", correlation: String = "c",
              iterated: Bool = true) async throws -> (path: String, id: String) {
        let stories = try await visitor.get("/console/stories")
        let saved = try await visitor.post("/console/stories", [
            ("csrf", stories.csrf ?? ""), ("title", "Greet visitors"), ("as_a", "a visitor"), ("i_want", "a greeting"),
            ("so_that", "I feel welcome"), ("story_points", "1"), ("accept_warnings", "1"),
        ])
        let story = try #require(saved.headers[.location]).components(separatedBy: "?")[0]
        let generated = try await visitor.post(story + "/generate", [("csrf", try await visitor.get(story).csrf ?? "")])
        let path = try #require(generated.headers[.location])
        let id = String(path.dropFirst("/console/tasks/".count))
        let logger = Logger(label: "test")
        try await world.postgres.query("""
            INSERT INTO codegen.tasks (task_id, title, repository, base_branch, branch, status, run_id, consumer, correlation_id)
            VALUES (\(id), 'Greet visitors', 'kinexus/workspace', 'main', 'kinexus/story-x', \(status), \(UUID()), 'c', \(correlation))
            """, logger: logger)
        guard iterated else { return (path, id) }
        try await world.postgres.query("""
            INSERT INTO codegen.pull_requests (task_id, repository, branch, base_branch, title, body, url, files, files_changed,
                                               insertions, deletions, diff_stat)
            VALUES (\(id), 'kinexus/workspace', 'kinexus/story-x', 'main', 'Greet', '', 'http://x/pulls/1', \(["a.txt"]), 1, 1, 0, 's')
            """, logger: logger)
        let reviewed = CodeFeedback(origin: "github", author: "ana", body: "Two things.", reviewID: 7, state: "changes_requested", comments: [
            LineComment(body: "Say hello here.", author: "ana", path: "greeting.txt", line: 3, diffHunk: "@@ -1 +1 @@\n+hi"),
        ], url: "https://github.test/pull/1#pullrequestreview-7")
        let feedback = String(decoding: try JSONEncoder().encode([reviewed]), as: UTF8.self)
        try await world.postgres.query("""
            INSERT INTO codegen.iterations (task_id, number, status, feedback, commit, diff_stat, answer, answer_url, transcript,
                                            started_at, finished_at)
            VALUES (\(id), 1, 'pushed', \(feedback)::jsonb, '0123456789abcdef0123', '{"files_changed": 1, "insertions": 4, "deletions": 1}',
                    \("<!-- kinexus:task/\(id)/iteration/1 -->\n**Kinexus, iteration 1** — pushed."),
                    'https://github.test/pull/1#issuecomment-1',
                    'the agent says hello', now() - interval '65 seconds', now())
            """, logger: logger)
        for (status, body, reason) in [("queued", "Also a farewell.", nil), ("refused", "And more.", "the limit is reached")] {
            let json = String(decoding: try JSONEncoder().encode(CodeFeedback(origin: "console", author: "ben", body: body)), as: UTF8.self)
            try await world.postgres.query("""
                INSERT INTO codegen.feedback (event_id, task_id, feedback, status, reason)
                VALUES (\(UUID().uuidString), \(id), \(json)::jsonb, \(status), \(reason))
                """, logger: logger)
        }
        return (path, id)
    }

    @Test func aTaskPageShowsItsIterationsAndAnAuthorAsksForChanges() async throws {
        try await harness.run { world in
            let (author, name) = try await world.signedIn([.author])
            let correlation = UUID().uuidString.lowercased()
            let (path, id) = try await task(author, world, correlation: correlation)
            let page = try await author.get(path)
            #expect(page.status == .ok)
            for shown in ["Iteration 1", "pushed", "requested changes on GitHub", "Two things.", "greeting.txt, line 3", "Say hello here.",
                          "<code>0123456789ab</code>: 1 file changed, +4 −1", "<strong>Kinexus, iteration 1</strong> — pushed.",
                          "the agent says hello",
                          "1 min 5 s", "Waiting for the next iteration", "Also a farewell.", "Not given to the agent", "the limit is reached",
                          #"<a href="https://github.test/pull/1#issuecomment-1">the pull request</a>"#, "Ask for changes"] {
                #expect(page.body.contains(shown), "\(shown)")
            }
            #expect(!page.body.contains("kinexus:task/"), "the answer's hidden mark is not shown")

            let empty = try await author.post(path + "/changes", [("csrf", page.csrf ?? ""), ("comment", "  ")])
            #expect(empty.status == .badRequest)
            #expect(empty.body.contains("Say in the comment what should change."))
            let asked = try await author.post(path + "/changes", [("csrf", page.csrf ?? ""), ("comment", "Greet in French too.")])
            #expect(asked.status == .seeOther)
            #expect(asked.headers[.location] == "\(path)?asked=1")
            let entries = StreamEntry.parseEntries(try await world.redis.send("XREVRANGE", Self.feedback, "+", "-", "COUNT", "50"),
                                                   stream: Self.feedback)
            let entry = try #require(entries.first { (try? $0.envelope().decodeDetail(as: CodegenFeedbackSubmitted.self).taskID) == id })
            let submitted = try entry.envelope().decodeDetail(as: CodegenFeedbackSubmitted.self)
            #expect(submitted.feedback == CodeFeedback(origin: "console", author: name, body: "Greet in French too."))
            #expect(entry.correlationID == correlation, "the request continues the task's chain")
        }
    }

    @Test func onlyAnAuthorAsksAndOnlyForATaskWithAPullRequest() async throws {
        try await harness.run { world in
            let (author, _) = try await world.signedIn([.author])
            let (path, _) = try await task(author, world)
            let viewer = try await world.signedIn([.viewer]).0
            let seen = try await viewer.get(path)
            #expect(seen.status == .ok && seen.body.contains("Iteration 1") && !seen.body.contains("Ask for changes"))
            #expect(try await viewer.post(path + "/changes", [("csrf", seen.csrf ?? ""), ("comment", "Forged.")]).status == .forbidden)

            let (running, _) = try await task(author, world, status: "processing", iterated: false)
            let page = try await author.get(running)
            #expect(!page.body.contains("Ask for changes"))
            let refused = try await author.post(running + "/changes", [("csrf", page.csrf ?? ""), ("comment", "Too early.")])
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("has no pull request to change"))
        }
    }
}
