/// Someone asked for changes to the code a task pushed: a review or a comment on its pull request on GitHub
/// (source `kinexus.github`), or "Ask for changes" in the console (`kinexus.console`). Codegen queues it and
/// takes everything queued into the task's next iteration.
public struct CodegenFeedbackSubmitted: EventDetail {
    public static let detailType = "CodegenFeedbackSubmitted"
    public var taskID: String
    public var feedback: CodeFeedback

    public init(taskID: String, feedback: CodeFeedback) {
        self.taskID = taskID
        self.feedback = feedback
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", feedback
    }
}

/// One person's word on a task's code: a review (its body, and its line comments), a comment, or the
/// console's request.
public struct CodeFeedback: Codable, Sendable, Equatable {
    /// `github` or `console`.
    public var origin: String
    public var author: String
    /// The review's or the comment's body; may be empty for a review that is only line comments.
    public var body: String
    /// GitHub's review: codegen reads its line comments from GitHub, so that they travel together.
    public var reviewID: Int?
    /// `changes_requested` or `commented` for a review.
    public var state: String?
    public var comments: [LineComment]
    /// Where a person reads it (the review or the comment on GitHub).
    public var url: String?

    public init(origin: String, author: String, body: String, reviewID: Int? = nil, state: String? = nil,
                comments: [LineComment] = [], url: String? = nil) {
        self.origin = origin
        self.author = author
        self.body = body
        self.reviewID = reviewID
        self.state = state
        self.comments = comments
        self.url = url
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        origin = try container.decode(String.self, forKey: .origin)
        author = try container.decode(String.self, forKey: .author)
        body = try container.decode(String.self, forKey: .body)
        reviewID = try container.decodeIfPresent(Int.self, forKey: .reviewID)
        state = try container.decodeIfPresent(String.self, forKey: .state)
        comments = try container.decodeIfPresent([LineComment].self, forKey: .comments) ?? []
        url = try container.decodeIfPresent(String.self, forKey: .url)
    }

    enum CodingKeys: String, CodingKey {
        case origin, author, body, reviewID = "review_id", state, comments, url
    }

    /// Begins the hidden mark in every comment Kinexus posts on a pull request, so that its own words are
    /// never read back as feedback.
    public static let kinexusMark = "<!-- kinexus:"
}

/// A comment on a line of the pull request's diff.
public struct LineComment: Codable, Sendable, Equatable {
    public var id: Int?
    public var body: String
    public var author: String
    public var path: String?
    public var line: Int?
    public var diffHunk: String?

    public init(id: Int? = nil, body: String, author: String, path: String? = nil, line: Int? = nil, diffHunk: String? = nil) {
        self.id = id
        self.body = body
        self.author = author
        self.path = path
        self.line = line
        self.diffHunk = diffHunk
    }

    enum CodingKeys: String, CodingKey {
        case id, body, author, path, line, diffHunk = "diff_hunk"
    }
}

/// Codegen's unit of work after the first run: iteration `iteration` of the task, on its existing branch,
/// with all the feedback queued when it was taken. One iteration of a task runs at a time.
public struct CodegenIterationRequested: EventDetail {
    public static let detailType = "CodegenIterationRequested"
    public var taskID: String
    public var iteration: Int
    public var feedback: [CodeFeedback]

    public init(taskID: String, iteration: Int, feedback: [CodeFeedback]) {
        self.taskID = taskID
        self.iteration = iteration
        self.feedback = feedback
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", iteration, feedback
    }
}

/// How an iteration ended: `pushed` (a new commit on the branch), `unchanged` (the agent changed nothing),
/// `failed`, or `dropped` (the pull request was closed or merged first).
public struct CodegenIterationFinished: EventDetail {
    public static let detailType = "CodegenIterationFinished"
    public var taskID: String
    public var iteration: Int
    public var outcome: String
    public var commit: String?
    /// Why it failed or was dropped.
    public var reason: String?

    public init(taskID: String, iteration: Int, outcome: String, commit: String? = nil, reason: String? = nil) {
        self.taskID = taskID
        self.iteration = iteration
        self.outcome = outcome
        self.commit = commit
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", iteration, outcome, commit, reason
    }
}

extension CodeFeedback {
    /// Line comments one piece of feedback carries; a review with more names how many were left out.
    public static let mostComments = 100

    /// This feedback within about `limit` bytes written out, so that an iteration's event fits the bus's
    /// 256 KB whatever a review holds: every text (the body, each comment and its diff hunk) gets an equal
    /// share, at least 256 bytes, and is cut on a whole character with a note; names and addresses are
    /// short by GitHub's own limits.
    public func bounded(within limit: Int) -> CodeFeedback {
        var bounded = self
        let kept = comments.prefix(Self.mostComments)
        let share = max(256, limit / (1 + 2 * kept.count) - 128)
        bounded.body = EncodedLength.cut(body, within: share, what: "feedback")
        if comments.count > kept.count {
            bounded.body += "\n\n[… and \(comments.count - kept.count) more line comments on the pull request]"
        }
        bounded.comments = kept.map { comment in
            var comment = comment
            comment.body = EncodedLength.cut(comment.body, within: share, what: "comment")
            comment.diffHunk = comment.diffHunk.map { EncodedLength.cut($0, within: share, what: "diff hunk") }
            return comment
        }
        return bounded
    }
}
