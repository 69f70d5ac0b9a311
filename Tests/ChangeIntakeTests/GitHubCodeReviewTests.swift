import ChangeIntake
import KinexusEvents
import KinexusJSON
import KinexusTestSupport
import Testing

/// GitHub's review, line-comment and comment webhooks (`Tests/Fixtures/github-webhooks/`), and when they ask
/// Kinexus for changes.
struct GitHubCodeReviewTests {
    let rules = GitHubCodeReview.Rules()

    func review(_ changes: [([String], JSONValue)] = []) throws -> GitHubCodeReview {
        try GitHubCodeReview(event: .review, json: GitHubFixtures.setting(changes, in: try GitHubFixtures.load(GitHubFixtures.review)))
    }

    func lineComment(_ changes: [([String], JSONValue)] = []) throws -> GitHubCodeReview {
        try GitHubCodeReview(event: .lineComment,
                             json: GitHubFixtures.setting(changes, in: try GitHubFixtures.load(GitHubFixtures.lineComment)))
    }

    /// The issue comment fixture, on a pull request unless `onIssue`.
    func comment(_ changes: [([String], JSONValue)] = [], onIssue: Bool = false) throws -> GitHubCodeReview {
        let pull: [([String], JSONValue)] = onIssue ? [] : [(["issue", "pull_request"], [
            "url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1", "html_url": "https://github.com/Codertocat/Hello-World/pull/1",
            "diff_url": "https://github.com/Codertocat/Hello-World/pull/1.diff",
            "patch_url": "https://github.com/Codertocat/Hello-World/pull/1.patch", "merged_at": .null,
        ])]
        return try GitHubCodeReview(event: .comment,
                                    json: GitHubFixtures.setting(pull + changes, in: try GitHubFixtures.load(GitHubFixtures.comment)))
    }

    @Test func theFixturesReadAsGitHubSendsThem() throws {
        let review = try review()
        #expect((review.repository, review.pullRequest, review.reviewID, review.reviewState)
            == ("Codertocat/Hello-World", 2, 237895671, "commented"))
        #expect((review.author, review.association, review.body, review.pullRequestState) == ("Codertocat", "OWNER", "", "open"))
        let line = try lineComment()
        #expect(line.reviewID == 237895671 && line.commentID == 284312630)
        #expect(line.lineComment == LineComment(id: 284312630, body: "Maybe you should use more emojji on this line.", author: "Codertocat",
                                                path: "README.md", line: 265, diffHunk: "@@ -1 +1 @@\n-# Hello-World"))
        let comment = try comment()
        #expect((comment.pullRequest, comment.commentID, comment.body)
            == (1, 492700400, "You are totally right! I'll get this fixed right away."))
        #expect(try self.comment(onIssue: true).pullRequest == nil)
    }

    @Test func aReviewRequestingChangesAsks() throws {
        let review = try review([(["review", "state"], "changes_requested"), (["review", "body"], "Two things, see the comments.")])
        #expect(review.decide(rules) == .init(accepted: true, reason: "Codertocat requested changes"))
        #expect(review.feedback == CodeFeedback(origin: "github", author: "Codertocat", body: "Two things, see the comments.",
                                                reviewID: 237895671, state: "changes_requested",
                                                url: "https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671"))
    }

    @Test func aCommentingReviewAsksOnlyWhenItMentionsKinexus() throws {
        #expect(try review().decide(rules) == .init(accepted: false, reason: "a review in state commented that does not mention @kinexus"))
        #expect(try review([(["review", "body"], "(@Kinexus) please rename it.")]).decide(rules).accepted)
        #expect(try review([(["review", "body"], "@kinexus-bot, rename it")]).decide(rules).accepted == false)
        #expect(try review([(["review", "body"], "mail me@kinexus.io")]).decide(rules).accepted == false)
        #expect(try review([(["review", "body"], "@robot rename it")]).decide(.init(mention: "@robot")).accepted)
        #expect(try review([(["review", "state"], "approved")]).decide(rules).accepted == false)
    }

    @Test func aLineCommentTravelsWithItsReviewUnlessItMentionsKinexus() throws {
        #expect(try lineComment().decide(rules)
            == .init(accepted: false, reason: "a line comment that does not mention @kinexus travels with its review"))
        let asking = try lineComment([(["comment", "body"], "@kinexus use an emoji here")])
        #expect(asking.decide(rules) == .init(accepted: true, reason: "Codertocat's line comment mentions @kinexus"))
        #expect(asking.feedback.comments.map(\.body) == ["@kinexus use an emoji here"] && asking.feedback.body.isEmpty)
        // A review and its line comments are one fact, whichever webhook comes first.
        #expect(asking.key == (try review()).key)
        #expect(asking.key == "github-review:codertocat/hello-world#2/237895671")
    }

    @Test func aCommentAsksOnAPullRequestWhenItMentionsKinexus() throws {
        #expect(try comment().decide(rules) == .init(accepted: false, reason: "a comment that does not mention @kinexus"))
        let asking = try comment([(["comment", "body"], "@kinexus add the missing test, please")])
        #expect(asking.decide(rules) == .init(accepted: true, reason: "Codertocat's comment mentions @kinexus"))
        #expect(asking.key == "github-comment:codertocat/hello-world/492700400")
        #expect(try comment([(["comment", "body"], "@kinexus fix it")], onIssue: true).decide(rules)
            == .init(accepted: false, reason: "a comment on an issue, not on a pull request"))
    }

    @Test func onlyPeopleAllowedToAskAreHeard() throws {
        let contributor = try review([(["review", "state"], "changes_requested"), (["review", "author_association"], "CONTRIBUTOR")])
        #expect(contributor.decide(rules) == .init(accepted: false, reason: "Codertocat (CONTRIBUTOR) may not ask Kinexus for changes"))
        #expect(contributor.decide(.init(users: ["codertocat"])).accepted, "a configured login is allowed whatever its association")
        let bot = try review([(["review", "state"], "changes_requested"), (["review", "user", "type"], "Bot")])
        #expect(bot.decide(rules) == .init(accepted: false, reason: "a comment by a bot (Codertocat)"))
        let own = try comment([(["comment", "body"], "@kinexus done")])
        #expect(own.decide(.init(ownLogin: "codertocat")) == .init(accepted: false, reason: "Kinexus's own comment"))
        let answer = try comment([(["comment", "body"], "<!-- kinexus:task/1/iteration/1 -->\nPushed; ask @kinexus for more")])
        #expect(answer.decide(rules) == .init(accepted: false, reason: "Kinexus's own comment"))
    }

    @Test func editsDeletionsDismissalsAndClosedPullRequestsAreNotEvaluated() throws {
        #expect(try review([(["action"], "dismissed")]).decide(rules)
            == .init(accepted: false, reason: "pull_request_review action 'dismissed' is not evaluated"))
        #expect(try lineComment([(["action"], "edited")]).decide(rules).reason == "pull_request_review_comment action 'edited' is not evaluated")
        #expect(try comment([(["action"], "deleted")]).decide(rules).reason == "issue_comment action 'deleted' is not evaluated")
        let changes: [([String], JSONValue)] = [(["review", "state"], "changes_requested")]
        #expect(try review(changes + [(["pull_request", "merged_at"], "2019-05-16T10:00:00Z"), (["pull_request", "state"], "closed")])
            .decide(rules).reason == "the pull request is merged")
        #expect(try review(changes + [(["pull_request", "state"], "closed")]).decide(rules).reason == "the pull request is closed")
        #expect(try comment([(["comment", "body"], "@kinexus x"), (["issue", "state"], "closed")]).decide(rules).reason
            == "the pull request is closed")
    }

    @Test func whatIsNotAReviewWebhookIsRefused() {
        #expect(throws: InvalidWebhook.self) { try GitHubCodeReview(event: .review, json: ["action": "submitted"]) }
        #expect(throws: InvalidWebhook.self) { try GitHubCodeReview(event: .comment, json: ["action": "created", "comment": [:]]) }
        #expect(throws: InvalidWebhook.self) {
            try GitHubCodeReview(event: .lineComment, json: ["action": "created", "comment": [:], "pull_request": ["number": .number(1e300)]])
        }
        #expect(throws: InvalidWebhook.self) { try GitHubCodeReview(event: .review, json: "not an object") }
    }
}
