import Foundation
import KinexusPostgres
import KinexusServiceKit
import StoryRules

/// The story tree's changes, for the stories API and the console alike: the INVEST check on every create
/// and update, the no-cycle rule, Done only when the Done guard allows it, deletion only of leaves, and
/// acceptance tests whose every Then step is measurable. Refusals are thrown as `APIError`s.
public struct StoryEditor: Sendable {
    let store: StoryStore
    let invest: InvestReviewer

    public enum Saved: Sendable {
        case saved(Story, warnings: [InvestWarning], created: Bool)
        /// Not saved: the INVEST check found these and the input did not accept them.
        case warned([InvestWarning])
        /// Not saved: the story cannot be Done yet.
        case blocked(DoneBlockers)
    }

    public enum SavedTest: Sendable {
        case saved(AcceptanceTest, created: Bool)
        /// Not saved: these Then steps cannot be checked.
        case unmeasurable([MeasurabilityWarning])
    }

    public func all() async throws -> [Story] {
        try await store.all()
    }

    /// A page of the tree: `limit` top-level stories from `bound`, with their creation, and every story below them.
    public func tree(from bound: PageBound?, limit: Int) async throws -> (roots: [(story: Story, createdAt: Date)], below: [Story]) {
        let roots = try await store.roots(from: bound, limit: limit)
        return (roots, try await store.descendants(of: roots.map(\.story.id)))
    }

    /// Stories ready for code: Ready or Approved, oldest first.
    public func readyForCode(limit: Int) async throws -> [Story] {
        // Exactly the statuses of the partial index stories_ready_for_code (migration 006), which keeps this fast.
        try await store.stories(in: ["Ready", "Approved"], limit: limit)
    }

    public func story(_ id: UUID) async throws -> (story: Story, children: [Story], tests: [AcceptanceTest])? {
        guard let story = try await store.story(id) else { return nil }
        return (story, try await store.children(of: id), try await store.tests(of: id))
    }

    /// Creates a story (`id` nil) or changes one.
    public func save(_ id: UUID?, _ input: StoryInput) async throws -> Saved {
        // The INVEST check first, outside the lock: a language model may take seconds.
        let (_, edited) = try await editing(id, with: input, in: store)
        let isEpic = id == nil ? false : !(try await store.children(of: edited.id).isEmpty)
        let warnings = await invest.warnings(for: edited.draft(isEpic: isEpic))
        if !warnings.isEmpty, input.acceptWarnings != true { return .warned(warnings) }
        return try await store.locked { store in
            let (current, story) = try await editing(id, with: input, in: store)
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
                let children = id == nil ? [] : try await store.children(of: story.id)
                let tests = try await store.tests(of: story.id)
                if let blockers = DoneBlockers.check(children: children.map { ($0.id.lowercased, $0.status) },
                                                     tests: tests.map { ($0.id.lowercased, $0.status) }) {
                    return .blocked(blockers)
                }
            }
            if id == nil { try await store.insert(story) } else { try await store.update(story) }
            return .saved(story, warnings: warnings, created: id == nil)
        }
    }

    /// Deletes a story without children.
    public func delete(_ id: UUID) async throws {
        try await store.locked { store in
            guard try await store.story(id) != nil else { throw notFound(id.lowercased) }
            guard try await store.deleteLeaf(id) else {
                throw APIError(.conflict, code: "HAS_CHILDREN", "story \(id.lowercased) has children; delete or move them first")
            }
        }
    }

    /// Adds a test to the story `storyID`, or changes the test `testID`.
    public func saveTest(storyID: String?, testID: String?, _ input: AcceptanceTestInput) async throws -> SavedTest {
        // Under the tree's lock: a test's status is what the Done guard reads.
        try await store.locked { store in
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
            guard warnings.isEmpty else { return .unmeasurable(warnings) }
            try await store.save(test)
            return .saved(test, created: testID == nil)
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

    /// `current` changed field by field by the input, or the 400 that names the field at fault.
    private func applied<Input: Edit>(_ input: Input, to current: Input.Target) throws -> Input.Target {
        switch input.applied(to: current) {
        case .success(let edited): return edited
        case .failure(let invalid): throw APIError.badRequest(code: "invalid_field", "'\(invalid.field)' \(invalid.problem)")
        }
    }

    private func notFound(_ id: String) -> APIError {
        .notFound("no story \(id)")
    }
}
