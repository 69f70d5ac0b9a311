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
    let apiToken: String?

    public init(store: StoryStore, invest: InvestReviewer, apiToken: String?) {
        self.store = store
        self.invest = invest
        self.apiToken = apiToken
    }

    public func add(to router: Router<BasicRequestContext>) {
        let api = router.group().add(middleware: APITokenAuthentication(apiToken: apiToken))
        api.get("/api/stories") { _, _ in try await tree() }
        api.get("/api/stories/:id") { _, context in try await story(context.parameters.get("id") ?? "") }
        api.post("/api/stories") { request, _ in try await save(request, id: nil) }
        api.patch("/api/stories/:id") { request, context in try await save(request, id: context.parameters.get("id") ?? "") }
        api.delete("/api/stories/:id") { request, context in try await delete(request, id: context.parameters.get("id") ?? "") }
        api.post("/api/stories/:id/tests") { request, context in
            try await saveTest(request, storyID: context.parameters.get("id") ?? "", testID: nil)
        }
        api.patch("/api/tests/:id") { request, context in
            try await saveTest(request, storyID: nil, testID: context.parameters.get("id") ?? "")
        }
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

    func tree() async throws -> Response {
        let stories = try await store.all()
        let byParent = Dictionary(grouping: stories, by: \.parentID)
        func node(_ story: Story) -> Node { Node(story: story, children: (byParent[story.id] ?? []).map(node)) }
        return jsonResponse(.ok, ["stories": (byParent[nil] ?? []).map(node)])
    }

    struct Detail: Encodable {
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

    func story(_ id: String) async throws -> Response {
        guard let uuid = UUID(uuidString: id), let story = try await store.story(uuid) else { return notFound(id) }
        return jsonResponse(.ok, Detail(story: story, children: try await store.children(of: uuid),
                                        acceptanceTests: try await store.tests(of: uuid)))
    }

    func save(_ request: Request, id: String?) async throws -> Response {
        let uuid = id.map { UUID(uuidString: $0) }
        if case .some(nil) = uuid { return notFound(id ?? "") }
        let input: StoryInput
        switch try await decodeBody(StoryInput.self, request) {
        case .failure(let refusal): return refusal.answer
        case .success(let decoded): input = decoded
        }
        // The INVEST check first, outside the lock: a language model may take seconds.
        let edited: Story
        switch try await editing(uuid ?? nil, with: input, in: store) {
        case .failure(let refusal): return refusal.answer
        case .success(let (_, story)): edited = story
        }
        let isEpic = uuid == nil ? false : !(try await store.children(of: edited.id).isEmpty)
        let warnings = await invest.warnings(for: edited.draft(isEpic: isEpic))
        if !warnings.isEmpty, input.acceptWarnings != true {
            return jsonResponse(.conflict, WarningsBody(warnings: warnings))
        }
        return try await store.locked { store in
            let current: Story, story: Story
            switch try await editing(uuid ?? nil, with: input, in: store) {
            case .failure(let refusal): return refusal.answer
            case .success(let (before, after)): (current, story) = (before, after)
            }
            if let parent = story.parentID, parent != current.parentID {
                guard try await store.story(parent) != nil else {
                    return jsonResponse(.badRequest, ErrorBody(error: "'parent_id' \(parent) is not a story", code: "invalid_field"))
                }
                let parents = try await store.ancestry(of: parent)
                if StoryTree.wouldCycle(story: story.id, parent: parent, parentOf: { parents[$0] }) {
                    return jsonResponse(.conflict, ErrorBody(error: "a story cannot become its own ancestor", code: "STORY_CYCLE"))
                }
            }
            if story.status == "Done", current.status != "Done" {
                let children = uuid == nil ? [] : try await store.children(of: story.id)
                let tests = try await store.tests(of: story.id)
                if let blockers = DoneBlockers.check(children: children.map { ($0.id.lowercased, $0.status) },
                                                     tests: tests.map { ($0.id.lowercased, $0.status) }) {
                    return jsonResponse(.conflict, BlockedBody(details: blockers))
                }
            }
            if uuid == nil { try await store.insert(story) } else { try await store.update(story) }
            return jsonResponse(uuid == nil ? .created : .ok, SavedBody(story: story, warnings: warnings))
        }
    }

    /// The story as it is (a blank one to create) and as the input makes it; 404 or 400 otherwise.
    private func editing(_ id: UUID?, with input: StoryInput, in store: StoryStore) async throws -> Result<(Story, Story), Refusal> {
        let current: Story
        if let id {
            guard let existing = try await store.story(id) else { return .failure(Refusal(notFound(id.lowercased))) }
            current = existing
        } else {
            current = Story(id: UUID(), parentID: nil, title: "", description: "", asA: "", iWant: "", soThat: "",
                            components: [], storyPoints: nil, assigneeEmail: nil, status: "Draft")
        }
        return applied(input, to: current).map { (current, $0) }
    }

    func delete(_ request: Request, id: String) async throws -> Response {
        guard let uuid = UUID(uuidString: id) else { return notFound(id) }
        return try await store.locked { store in
            guard try await store.story(uuid) != nil else { return notFound(id) }
            guard try await store.deleteLeaf(uuid) else {
                return jsonResponse(.conflict, ErrorBody(error: "story \(id) has children; delete or move them first", code: "HAS_CHILDREN"))
            }
            return Response(status: .noContent)
        }
    }

    func saveTest(_ request: Request, storyID: String?, testID: String?) async throws -> Response {
        let input: AcceptanceTestInput
        switch try await decodeBody(AcceptanceTestInput.self, request) {
        case .failure(let refusal): return refusal.answer
        case .success(let decoded): input = decoded
        }
        // Under the tree's lock: a test's status is what the Done guard reads.
        return try await store.locked { store in
            let current: AcceptanceTest
            if let testID {
                guard let uuid = UUID(uuidString: testID), let existing = try await store.test(uuid) else {
                    return jsonResponse(.notFound, ErrorBody(error: "no acceptance test \(testID)", code: "not_found"))
                }
                current = existing
            } else {
                guard let id = storyID, let uuid = UUID(uuidString: id), try await store.story(uuid) != nil else {
                    return notFound(storyID ?? "")
                }
                current = AcceptanceTest(id: UUID(), storyID: uuid, title: "", given: [], when: [], then: [], status: "Draft")
            }
            let test: AcceptanceTest
            switch applied(input, to: current) {
            case .failure(let refusal): return refusal.answer
            case .success(let edited): test = edited
            }
            let warnings = Measurability.warnings(then: test.then)
            guard warnings.isEmpty else { return jsonResponse(.conflict, MeasurabilityBody(warnings: warnings)) }
            try await store.save(test)
            return jsonResponse(testID == nil ? .created : .ok, test)
        }
    }

    /// `current` changed field by field by the input, or the 400 that names the field at fault.
    private func applied<Input: Edit>(_ input: Input, to current: Input.Target) -> Result<Input.Target, Refusal> {
        input.applied(to: current).mapError { invalid in
            Refusal(jsonResponse(.badRequest, ErrorBody(error: "'\(invalid.field)' \(invalid.problem)", code: "invalid_field")))
        }
    }

    struct MeasurabilityBody: Encodable {
        let code = "MEASURABILITY_WARNINGS"
        let warnings: [MeasurabilityWarning]
    }

    struct WarningsBody: Encodable {
        let code = "INVEST_WARNINGS"
        let warnings: [InvestWarning]
    }

    struct BlockedBody: Encodable {
        let code = "STORY_STATUS_BLOCKED"
        let error = "a story becomes Done only when every child is Done and all its acceptance tests pass"
        let details: DoneBlockers
    }

    struct SavedBody: Encodable {
        let story: Story
        let warnings: [InvestWarning]
    }

    private func notFound(_ id: String) -> Response {
        jsonResponse(.notFound, ErrorBody(error: "no story \(id)", code: "not_found"))
    }
}
