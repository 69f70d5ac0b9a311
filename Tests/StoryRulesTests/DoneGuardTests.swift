import StoryRules
import Testing

struct DoneGuardTests {
    @Test("Done needs every child Done and at least one test, all passing")
    func blockers() {
        #expect(DoneBlockers.check(children: [("c1", "Done")], tests: [("t1", "Pass")]) == nil)
        #expect(DoneBlockers.check(children: [], tests: [("t1", "Pass"), ("t2", "Pass")]) == nil)
        let blocked = DoneBlockers.check(children: [("c1", "Done"), ("c2", "In Progress")],
                                         tests: [("t1", "Pass"), ("t2", "Fail"), ("t3", "Draft")])
        #expect(blocked?.incompleteChildren == ["c2"])
        #expect(blocked?.failingTests == ["t2", "t3"])
        #expect(blocked?.missingTests == false)
        #expect(DoneBlockers.check(children: [], tests: [])?.missingTests == true)
    }

    @Test("a story cannot become its own ancestor")
    func cycles() {
        // a ← b ← c (c's parent is b, b's parent is a)
        let parents = ["b": "a", "c": "b"]
        let parentOf = { (id: String) in parents[id] }
        #expect(StoryTree.wouldCycle(story: "a", parent: "c", parentOf: parentOf))
        #expect(StoryTree.wouldCycle(story: "a", parent: "a", parentOf: parentOf))
        #expect(!StoryTree.wouldCycle(story: "c", parent: "a", parentOf: parentOf))
        #expect(!StoryTree.wouldCycle(story: "d", parent: "c", parentOf: parentOf))
        #expect(!StoryTree.wouldCycle(story: "a", parent: nil, parentOf: parentOf))
        // A loop already in the data ends the walk instead of spinning.
        let broken = ["x": "y", "y": "x"]
        #expect(StoryTree.wouldCycle(story: "z", parent: "x", parentOf: { broken[$0] }))
    }
}
