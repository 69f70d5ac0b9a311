public struct CodegenRequested: EventDetail {
    public static let detailType = "CodegenRequested"
    public var taskID: String
    public var prompt: String
    public var sessionID: String?
    public var storyID: String?
    /// The story's title, for the branch, the pull request and TASK.md.
    public var title: String?
    public var acceptanceTests: [AcceptanceCriterion]
    public var repository: String?
    public var baseBranch: String?

    public init(
        taskID: String, prompt: String, sessionID: String? = nil, storyID: String? = nil, title: String? = nil,
        acceptanceTests: [AcceptanceCriterion] = [], repository: String? = nil, baseBranch: String? = nil
    ) {
        self.taskID = taskID
        self.prompt = prompt
        self.sessionID = sessionID
        self.storyID = storyID
        self.title = title
        self.acceptanceTests = acceptanceTests
        self.repository = repository
        self.baseBranch = baseBranch
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        taskID = try container.decode(String.self, forKey: .taskID)
        prompt = try container.decode(String.self, forKey: .prompt)
        sessionID = try container.decodeIfPresent(String.self, forKey: .sessionID)
        storyID = try container.decodeIfPresent(String.self, forKey: .storyID)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        acceptanceTests = try container.decodeIfPresent([AcceptanceCriterion].self, forKey: .acceptanceTests) ?? []
        repository = try container.decodeIfPresent(String.self, forKey: .repository)
        baseBranch = try container.decodeIfPresent(String.self, forKey: .baseBranch)
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", prompt, sessionID = "session_id", storyID = "story_id", title
        case acceptanceTests = "acceptance_tests", repository, baseBranch = "base_branch"
    }
}

/// One acceptance test of a story, as Given/When/Then steps.
public struct AcceptanceCriterion: Codable, Sendable, Equatable {
    public var title: String
    public var given: [String]
    public var when: [String]
    public var then: [String]

    public init(title: String, given: [String], when: [String], then: [String]) {
        self.title = title
        self.given = given
        self.when = when
        self.then = then
    }
}

/// A replica took the task's first run, or (with `iteration`) one of its iterations.
public struct CodegenStarted: EventDetail {
    public static let detailType = "CodegenStarted"
    public var taskID: String
    public var branch: String
    public var consumer: String
    public var iteration: Int?

    public init(taskID: String, branch: String, consumer: String, iteration: Int? = nil) {
        self.taskID = taskID
        self.branch = branch
        self.consumer = consumer
        self.iteration = iteration
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", branch, consumer, iteration
    }
}

/// The agent of a running task (or of its iteration `iteration`) wrote more of its transcript, kept with the
/// task or the iteration: for whoever follows it live.
public struct CodegenProgressed: EventDetail {
    public static let detailType = "CodegenProgressed"
    public var taskID: String
    public var transcriptBytes: Int
    public var iteration: Int?

    public init(taskID: String, transcriptBytes: Int, iteration: Int? = nil) {
        self.taskID = taskID
        self.transcriptBytes = transcriptBytes
        self.iteration = iteration
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", transcriptBytes = "transcript_bytes", iteration
    }
}

public struct CodegenCompleted: EventDetail {
    public static let detailType = "CodegenCompleted"
    public var taskID: String
    public var branch: String
    public var pullRequestURL: String
    public var filesChanged: Int

    public init(taskID: String, branch: String, pullRequestURL: String, filesChanged: Int) {
        self.taskID = taskID
        self.branch = branch
        self.pullRequestURL = pullRequestURL
        self.filesChanged = filesChanged
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", branch, pullRequestURL = "pull_request_url", filesChanged = "files_changed"
    }
}

public struct CodegenFailed: EventDetail {
    public static let detailType = "CodegenFailed"
    public var taskID: String
    public var error: String

    public init(taskID: String, error: String) {
        self.taskID = taskID
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", error
    }
}

extension CodegenRequested {
    /// `owner/name`, each part letters, digits, `.`, `_` or `-`, neither `.` nor `..`: safe as a path under the
    /// data directory and as GitHub's repository name.
    public static func isValidRepository(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 100 && part != "." && part != ".."
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        }
    }

    /// A branch name git accepts (`git check-ref-format --branch`) and that cannot be read as an option.
    public static func isValidBranch(_ name: String) -> Bool {
        let forbidden: Set<Character> = [" ", "~", "^", ":", "?", "*", "[", "\\", "\u{7F}"]
        return !name.isEmpty && name.count <= 200 && !name.hasPrefix("-") && !name.hasPrefix("/") && !name.hasSuffix("/")
            && !name.hasSuffix(".") && !name.hasSuffix(".lock") && !name.contains("..") && !name.contains("//")
            && !name.contains("@{") && name != "@"
            && name.allSatisfy { !forbidden.contains($0) && !($0.asciiValue.map { $0 < 32 } ?? false) }
            && !name.split(separator: "/").contains { $0.hasPrefix(".") }
    }
}
