/// The parts of a user story the INVEST check reads.
public struct StoryDraft: Sendable, Equatable {
    public var title: String
    public var description: String
    public var asA: String
    public var iWant: String
    public var soThat: String
    public var storyPoints: Int?
    /// A story with children is an epic: its size is its children's.
    public var isEpic: Bool

    public init(
        title: String, description: String = "", asA: String = "", iWant: String = "", soThat: String = "",
        storyPoints: Int? = nil, isEpic: Bool = false
    ) {
        self.title = title
        self.description = description
        self.asA = asA
        self.iWant = iWant
        self.soThat = soThat
        self.storyPoints = storyPoints
        self.isEpic = isEpic
    }
}
