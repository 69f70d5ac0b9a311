public struct KnowledgeObjectChanged: EventDetail {
    public static let detailType = "KnowledgeObjectChanged"
    public var key: String
    /// `Object Created` or `Object Deleted`, as S3 names its events.
    public var change: String
    public var contentHash: String?

    public init(key: String, change: String, contentHash: String? = nil) {
        self.key = key
        self.change = change
        self.contentHash = contentHash
    }

    enum CodingKeys: String, CodingKey {
        case key, change, contentHash = "content_hash"
    }
}

public struct KbSyncRequested: EventDetail {
    public static let detailType = "KbSyncRequested"
    public var jobID: String

    public init(jobID: String) {
        self.jobID = jobID
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
    }
}

public struct KbSyncCompleted: EventDetail {
    public static let detailType = "KbSyncCompleted"
    public var jobID: String
    public var sourcesIndexed: Int
    public var sourcesDeleted: Int
    public var chunksIndexed: Int

    public init(jobID: String, sourcesIndexed: Int, sourcesDeleted: Int, chunksIndexed: Int) {
        self.jobID = jobID
        self.sourcesIndexed = sourcesIndexed
        self.sourcesDeleted = sourcesDeleted
        self.chunksIndexed = chunksIndexed
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", sourcesIndexed = "sources_indexed", sourcesDeleted = "sources_deleted"
        case chunksIndexed = "chunks_indexed"
    }
}
