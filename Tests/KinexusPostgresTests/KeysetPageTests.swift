import Foundation
import KinexusPostgres
import Testing

struct KeysetPageTests {
    @Test func aBoundKeepsItsTimeToTheMicrosecondAndReadsBackWhatItWrote() throws {
        let time = Date(timeIntervalSince1970: 1_796_608_186.855123)
        let bound = PageBound(.after, time: time, id: "T-1")
        #expect(bound.microseconds == 1_796_608_186_855_123)
        #expect(PageBound(.after, text: bound.text, isValidID: { _ in true }) == bound)
        #expect(KeysetPage(bound, newestFirst: false, firstID: "").time == "2026-12-07 01:49:46.855123+00")
        let before1970 = PageBound(.before, text: "-1500000~x", isValidID: { _ in true })
        #expect(KeysetPage(before1970, newestFirst: false, firstID: "").time == "1969-12-31 23:59:58.500000+00")
    }

    @Test(arguments: ["", "~", "12", "12~", "~id", "x~id", "1.5~id", "99999999999999999999~id", "253402300800000000~id"])
    func textThatIsNoBoundIsRefused(text: String) {
        #expect(PageBound(.after, text: text, isValidID: { _ in true }) == nil)
    }

    @Test func anIDTheListWouldNotKnowIsRefused() {
        #expect(PageBound(.after, text: "12~not-a-uuid", isValidID: { UUID(uuidString: $0) != nil }) == nil)
    }

    @Test func eachSideReadsAwayFromItsBoundAndTheFirstPageFromTheStart() {
        let after = PageBound(.after, time: Date(), id: "a"), before = PageBound(.before, time: Date(), id: "a")
        let oldestFirst = (KeysetPage(nil, newestFirst: false, firstID: "x"), KeysetPage(after, newestFirst: false, firstID: "x"),
                           KeysetPage(before, newestFirst: false, firstID: "x"))
        #expect([oldestFirst.0.comparison, oldestFirst.0.order, oldestFirst.0.time] == [">", "ASC", "-infinity"])
        #expect([oldestFirst.1.comparison, oldestFirst.1.order] == [">", "ASC"])
        #expect([oldestFirst.2.comparison, oldestFirst.2.order] == ["<", "DESC"])
        #expect(oldestFirst.2.rows([3, 2, 1]) == [1, 2, 3], "read backwards, shown in the list's order")
        let newestFirst = (KeysetPage(nil, newestFirst: true, firstID: "x"), KeysetPage(before, newestFirst: true, firstID: "x"))
        #expect([newestFirst.0.comparison, newestFirst.0.order, newestFirst.0.time] == ["<", "DESC", "infinity"])
        #expect([newestFirst.1.comparison, newestFirst.1.order] == [">", "ASC"])
    }
}
