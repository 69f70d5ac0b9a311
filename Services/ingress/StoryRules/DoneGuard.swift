/// What keeps a story from Done: children not Done, acceptance tests not passing, or no test at all.
public struct DoneBlockers: Sendable, Equatable, Codable {
    public let incompleteChildren: [String]
    public let failingTests: [String]
    public let missingTests: Bool

    enum CodingKeys: String, CodingKey {
        case incompleteChildren = "incomplete_children", failingTests = "failing_tests", missingTests = "missing_tests"
    }

    /// Nil when the story may become Done: every child Done, at least one acceptance test, all passing.
    public static func check(children: [(id: String, status: String)], tests: [(id: String, status: String)]) -> DoneBlockers? {
        let blockers = DoneBlockers(
            incompleteChildren: children.filter { $0.status != "Done" }.map(\.id),
            failingTests: tests.filter { $0.status != "Pass" }.map(\.id),
            missingTests: tests.isEmpty)
        return blockers.incompleteChildren.isEmpty && blockers.failingTests.isEmpty && !blockers.missingTests ? nil : blockers
    }
}

/// The story tree's one structural rule: a story cannot become its own ancestor.
public enum StoryTree {
    /// Whether giving `story` the parent `parent` would close a loop, walking up from `parent` through
    /// `parentOf` (each story's current parent).
    public static func wouldCycle<ID: Hashable>(story: ID, parent: ID?, parentOf: (ID) -> ID?) -> Bool {
        var seen: Set<ID> = []
        var current = parent
        while let node = current {
            if node == story { return true }
            guard seen.insert(node).inserted else { return true }
            current = parentOf(node)
        }
        return false
    }
}
