import Foundation
import Hummingbird
import KinexusServiceKit
import Logging
import StoryRules

/// `/api/stories`: the story tree, with the INVEST check on every create and update, the no-cycle rule,
/// deletion refused while children exist, and Done refused until the Done guard allows it; acceptance
/// tests whose every Then step is measurable.
public struct StoriesAPI: Sendable {
    let store: StoryStore
    let invest: InvestReviewer

    init(store: StoryStore, invest: InvestReviewer) {
        self.store = store
        self.invest = invest
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
        let stories = try await store.all()
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
        guard let uuid = UUID(uuidString: id), let story = try await store.story(uuid) else { throw notFound(id) }
        return Detail(story: story, children: try await store.children(of: uuid), acceptanceTests: try await store.tests(of: uuid))
    }

    func save(_ request: Request, context: KinexusRequestContext, id: String?) async throws -> Response {
        let uuid = id.map { UUID(uuidString: $0) }
        if case .some(nil) = uuid { throw notFound(id ?? "") }
        let input = try await decodeBody(StoryInput.self, request)
        // The INVEST check first, outside the lock: a language model may take seconds.
        let (_, edited) = try await editing(uuid ?? nil, with: input, in: store)
        let isEpic = uuid == nil ? false : !(try await store.children(of: edited.id).isEmpty)
        let warnings = await invest.warnings(for: edited.draft(isEpic: isEpic))
        if !warnings.isEmpty, input.acceptWarnings != true {
            return try EditedResponse(status: .conflict, response: WarningsBody(warnings: warnings)).response(from: request, context: context)
        }
        return try await store.locked { store in
            let (current, story) = try await editing(uuid ?? nil, with: input, in: store)
            if let parent = story.parentID, parent != current.parentID {
                guard try await store.story(parent) != nil else {
                    throw APIError.badRequest(code: "invalid_field", "'parent_id' \(parent) is not a story")
                }
                let parents = try await store.ancestry(of: parent)
                if StoryTree.wouldCycle(story: story.id, parent: parent, parentOf: { parents[$0] }) {
                    throw APIError(.conflict, code: "STORY_CYCLE", "a story cannot become its own ancestor")
                }
            }
            if story.status == "Done", current.status != "Done" {
                let children = uuid == nil ? [] : try await store.children(of: story.id)
                let tests = try await store.tests(of: story.id)
                if let blockers = DoneBlockers.check(children: children.map { ($0.id.lowercased, $0.status) },
                                                     tests: tests.map { ($0.id.lowercased, $0.status) }) {
                    return try EditedResponse(status: .conflict, response: BlockedBody(details: blockers))
                        .response(from: request, context: context)
                }
            }
            if uuid == nil { try await store.insert(story) } else { try await store.update(story) }
            return try EditedResponse(status: uuid == nil ? .created : .ok, response: SavedBody(story: story, warnings: warnings))
                .response(from: request, context: context)
        }
    }

    /// The story as it is (a blank one to create) and as the input makes it; 404 or 400 otherwise.
    private func editing(_ id: UUID?, with input: StoryInput, in store: StoryStore) async throws -> (Story, Story) {
        let current: Story
        if let id {
            guard let existing = try await store.story(id) else { throw notFound(id.lowercased) }
            current = existing
        } else {
            current = Story(id: UUID(), parentID: nil, title: "", description: "", asA: "", iWant: "", soThat: "",
                            components: [], storyPoints: nil, assigneeEmail: nil, status: "Draft")
        }
        return (current, try applied(input, to: current))
    }

    func delete(id: String) async throws -> Response {
        guard let uuid = UUID(uuidString: id) else { throw notFound(id) }
        return try await store.locked { store in
            guard try await store.story(uuid) != nil else { throw notFound(id) }
            guard try await store.deleteLeaf(uuid) else {
                throw APIError(.conflict, code: "HAS_CHILDREN", "story \(id) has children; delete or move them first")
            }
            return Response(status: .noContent)
        }
    }

    func saveTest(_ request: Request, context: KinexusRequestContext, storyID: String?, testID: String?) async throws -> Response {
        let input = try await decodeBody(AcceptanceTestInput.self, request)
        // Under the tree's lock: a test's status is what the Done guard reads.
        return try await store.locked { store in
            let current: AcceptanceTest
            if let testID {
                guard let uuid = UUID(uuidString: testID), let existing = try await store.test(uuid) else {
                    throw APIError.notFound("no acceptance test \(testID)")
                }
                current = existing
            } else {
                guard let id = storyID, let uuid = UUID(uuidString: id), try await store.story(uuid) != nil else {
                    throw notFound(storyID ?? "")
                }
                current = AcceptanceTest(id: UUID(), storyID: uuid, title: "", given: [], when: [], then: [], status: "Draft")
            }
            let test = try applied(input, to: current)
            let warnings = Measurability.warnings(then: test.then)
            guard warnings.isEmpty else {
                return try EditedResponse(status: .conflict, response: MeasurabilityBody(warnings: warnings))
                    .response(from: request, context: context)
            }
            try await store.save(test)
            return try EditedResponse(status: testID == nil ? .created : .ok, response: JSONBody(test))
                .response(from: request, context: context)
        }
    }

    /// `current` changed field by field by the input, or the 400 that names the field at fault.
    private func applied<Input: Edit>(_ input: Input, to current: Input.Target) throws -> Input.Target {
        switch input.applied(to: current) {
        case .success(let edited): return edited
        case .failure(let invalid): throw APIError.badRequest(code: "invalid_field", "'\(invalid.field)' \(invalid.problem)")
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
