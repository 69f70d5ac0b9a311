public struct CodegenRequested: EventDetail {
    public static let detailType = "CodegenRequested"
    public var taskID: String
    public var prompt: String
    public var sessionID: String?
    public var storyID: String?
    public var repository: String?
    public var baseBranch: String?

    public init(
        taskID: String, prompt: String, sessionID: String? = nil, storyID: String? = nil,
        repository: String? = nil, baseBranch: String? = nil
    ) {
        self.taskID = taskID
        self.prompt = prompt
        self.sessionID = sessionID
        self.storyID = storyID
        self.repository = repository
        self.baseBranch = baseBranch
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", prompt, sessionID = "session_id", storyID = "story_id", repository
        case baseBranch = "base_branch"
    }
}

public struct CodegenStarted: EventDetail {
    public static let detailType = "CodegenStarted"
    public var taskID: String
    public var branch: String
    public var consumer: String

    public init(taskID: String, branch: String, consumer: String) {
        self.taskID = taskID
        self.branch = branch
        self.consumer = consumer
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", branch, consumer
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
