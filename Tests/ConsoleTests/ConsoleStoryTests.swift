import Foundation
import KinexusBus
import KinexusEvents
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Testing

/// Stories in the console: INVEST warnings the author accepts, measurable tests, and asking for code.
@Suite(.serialized) struct ConsoleStoryTests {
    let harness = ConsoleHarness()


    @Test func aVagueStoryIsSavedOnlyOnceItsWarningsAreAccepted() async throws {
        try await harness.run { world in
            let visitor = try await world.signedIn([.author]).0
            let stories = try await visitor.get("/console/stories")
            let title = "Make search fast \(UUID().uuidString.prefix(6))"
            let fields = [("csrf", stories.csrf ?? ""), ("title", title), ("as_a", "user"), ("i_want", "search to be fast"),
                          ("so_that", ""), ("story_points", "")]
            let warned = try await visitor.post("/console/stories", fields)
            #expect(warned.status == .conflict)
            #expect(warned.body.contains("INVEST warnings"))
            #expect(warned.body.contains("Accept these warnings and save"))
            #expect(warned.body.contains(#"value="search to be fast""#), "what was typed stays")
            #expect(warned.body.contains(#"<ul class="tree">"#) && !warned.body.contains("No stories yet"), "the tree stays beside the form")

            let saved = try await visitor.post("/console/stories", fields + [("accept_warnings", "1")])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let page = try await visitor.get(location)
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1>\(title)</h1>"))
            #expect(page.body.contains("Valuable:") || page.body.contains("Estimable:"), "the warnings beside the fields")
            #expect(try await visitor.listed(">\(title)</a>", from: "/console/stories"))
        }
    }

    @Test func aTestNeedsMeasurableThenStepsAndTheStoryAsksForCode() async throws {
        try await harness.run { world in
            let visitor = try await world.signedIn([.author]).0
            let stories = try await visitor.get("/console/stories")
            let saved = try await visitor.post("/console/stories", [
                ("csrf", stories.csrf ?? ""), ("title", "Export invoices as CSV"), ("as_a", "an accountant"),
                ("i_want", "to export this month's invoices as a CSV file"), ("so_that", "I can import them into the ledger"),
                ("story_points", "3"), ("accept_warnings", "1"),
            ])
            let path = try #require(saved.headers[.location]).components(separatedBy: "?")[0]
            let page = try await visitor.get(path)
            let unmeasurable = try await visitor.post(path + "/tests", [
                ("csrf", page.csrf ?? ""), ("title", "Export"), ("given", "invoices exist"), ("when", "I export"), ("then", "it works well"),
            ])
            #expect(unmeasurable.status == .conflict)
            #expect(unmeasurable.body.contains("Not measurable"))
            let added = try await visitor.post(path + "/tests", [
                ("csrf", page.csrf ?? ""), ("title", "Export"), ("given", "12 invoices exist"), ("when", "I export"),
                ("then", "a CSV file with 12 rows is downloaded"),
            ])
            #expect(added.status == .seeOther)
            #expect(try await visitor.get(path).body.contains("Then a CSV file with 12 rows is downloaded"))

            let generated = try await visitor.post(path + "/generate", [("csrf", page.csrf ?? "")])
            #expect(generated.status == .seeOther)
            let task = try #require(generated.headers[.location])
            #expect(task.hasPrefix("/console/tasks/"))
            let taskPage = try await visitor.get(task)
            #expect(taskPage.status == .ok)
            #expect(taskPage.body.contains(#"<dd id="task-status">pending</dd>"#))
            let stream = Topic(source: "kinexus.stories", detailType: "CodegenRequested").streamKey
            let entries = StreamEntry.parseEntries(try await world.redis.send("XREVRANGE", stream, "+", "-", "COUNT", "50"), stream: stream)
            #expect(entries.compactMap { try? $0.envelope().decodeDetail(as: CodegenRequested.self) }
                .contains { $0.taskID == String(task.dropFirst("/console/tasks/".count)) && $0.title == "Export invoices as CSV" })
        }
    }

    @Test func onlyAnAuthorChangesStories() async throws {
        try await harness.run { world in
            let viewer = try await world.signedIn([.viewer, .reviewer]).0
            let page = try await viewer.get("/console/stories")
            #expect(!page.body.contains("Create story"))
            let title = "Forged \(UUID().uuidString.prefix(6))"
            let forged = try await viewer.post("/console/stories", [("csrf", page.csrf ?? ""), ("title", title), ("accept_warnings", "1")])
            #expect(forged.status == .forbidden)
            #expect(!(try await viewer.listed(">\(title)</a>", from: "/console/stories")))
        }
    }
}
