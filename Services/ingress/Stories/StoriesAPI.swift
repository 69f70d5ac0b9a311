import Foundation
import Hummingbird
import KinexusServiceKit
import Logging
import StoryRules

/// `/api/stories`: the story tree, with the INVEST check on every create and update, the no-cycle rule,
/// deletion refused while children exist, and Done refused until the Done guard allows it; acceptance
/// tests whose every Then step is measurable.
public struct StoriesAPI: Sendable {
    let editor: StoryEditor

    init(store: StoryStore, invest: InvestReviewer) {
        editor = StoryEditor(store: store, invest: invest)
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.get("/api/stories") { _, _ in try await tree() }
        routes.get("/api/stories/:id") { _, context in try await story(context.parameters.get("id") ?? "") }
        routes.post("/api/stories") { request, context in try await save(request, context: context, id: nil) }
        routes.patch("/api/stories/:id") { request, context in
            try await save(request, context: context, id: context.parameters.get("id") ?? "")
        }
        routes.delete("/api/stories/:id") { _, context in try await delete(id: context.parameters.get("id") ?? "") }
        routes.post("/api/stories/:id/tests") { request, context in
            try await saveTest(request, context: context, storyID: context.parameters.get("id") ?? "", testID: nil)
        }
        routes.patch("/api/tests/:id") { request, context in
            try await saveTest(request, context: context, storyID: nil, testID: context.parameters.get("id") ?? "")
        }
        return routes
    }

    struct Node: Encodable {
        let story: Story
        let children: [Node]

        func encode(to encoder: any Encoder) throws {
            try story.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(children, forKey: .children)
        }

        enum Key: String, CodingKey { case children }
    }

    func tree() async throws -> [String: [Node]] {
        let stories = try await editor.all()
        let byParent = Dictionary(grouping: stories, by: \.parentID)
        func node(_ story: Story) -> Node { Node(story: story, children: (byParent[story.id] ?? []).map(node)) }
        return ["stories": (byParent[nil] ?? []).map(node)]
    }

    struct Detail: ResponseEncodable {
        let story: Story
        let children: [Story]
        let acceptanceTests: [AcceptanceTest]

        func encode(to encoder: any Encoder) throws {
            try story.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(children.map(\.id.lowercased), forKey: .children)
            try container.encode(acceptanceTests, forKey: .acceptanceTests)
        }

        enum Key: String, CodingKey { case children, acceptanceTests = "acceptance_tests" }
    }

    func story(_ id: String) async throws -> Detail {
        guard let uuid = UUID(uuidString: id), let found = try await editor.story(uuid) else { throw notFound(id) }
        return Detail(story: found.story, children: found.children, acceptanceTests: found.tests)
    }

    func save(_ request: Request, context: KinexusRequestContext, id: String?) async throws -> Response {
        let uuid = id.map { UUID(uuidString: $0) }
        if case .some(nil) = uuid { throw notFound(id ?? "") }
        let input = try await decodeBody(StoryInput.self, request)
        switch try await editor.save(uuid ?? nil, input) {
        case .warned(let warnings):
            return try EditedResponse(status: .conflict, response: WarningsBody(warnings: warnings)).response(from: request, context: context)
        case .blocked(let blockers):
            return try EditedResponse(status: .conflict, response: BlockedBody(details: blockers)).response(from: request, context: context)
        case .saved(let story, let warnings, let created):
            return try EditedResponse(status: created ? .created : .ok, response: SavedBody(story: story, warnings: warnings))
                .response(from: request, context: context)
        }
    }

    func delete(id: String) async throws -> Response {
        guard let uuid = UUID(uuidString: id) else { throw notFound(id) }
        try await editor.delete(uuid)
        return Response(status: .noContent)
    }

    func saveTest(_ request: Request, context: KinexusRequestContext, storyID: String?, testID: String?) async throws -> Response {
        let input = try await decodeBody(AcceptanceTestInput.self, request)
        switch try await editor.saveTest(storyID: storyID, testID: testID, input) {
        case .unmeasurable(let warnings):
            return try EditedResponse(status: .conflict, response: MeasurabilityBody(warnings: warnings))
                .response(from: request, context: context)
        case .saved(let test, let created):
            return try EditedResponse(status: created ? .created : .ok, response: JSONBody(test)).response(from: request, context: context)
        }
    }

    struct MeasurabilityBody: ResponseEncodable {
        let code = "MEASURABILITY_WARNINGS"
        let warnings: [MeasurabilityWarning]
    }

    struct WarningsBody: ResponseEncodable {
        let code = "INVEST_WARNINGS"
        let warnings: [InvestWarning]
    }

    struct BlockedBody: ResponseEncodable {
        let code = "STORY_STATUS_BLOCKED"
        let error = "a story becomes Done only when every child is Done and all its acceptance tests pass"
        let details: DoneBlockers
    }

    struct SavedBody: ResponseEncodable {
        let story: Story
        let warnings: [InvestWarning]
    }

    private func notFound(_ id: String) -> APIError {
        .notFound("no story \(id)")
    }
}
