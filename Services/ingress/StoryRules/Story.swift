import Foundation

/// A user story as the API shows it.
public struct Story: Sendable, Equatable, Encodable {
    public static let statuses = ["Draft", "Ready", "In Progress", "Blocked", "Approved", "Done"]

    public var id: UUID
    public var parentID: UUID?
    public var title: String
    public var description: String
    public var asA: String
    public var iWant: String
    public var soThat: String
    public var components: [String]
    public var storyPoints: Int?
    public var assigneeEmail: String?
    public var status: String

    public init(
        id: UUID, parentID: UUID?, title: String, description: String, asA: String, iWant: String, soThat: String,
        components: [String], storyPoints: Int?, assigneeEmail: String?, status: String
    ) {
        self.id = id
        self.parentID = parentID
        self.title = title
        self.description = description
        self.asA = asA
        self.iWant = iWant
        self.soThat = soThat
        self.components = components
        self.storyPoints = storyPoints
        self.assigneeEmail = assigneeEmail
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, parentID = "parent_id", title, description, asA = "as_a", iWant = "i_want", soThat = "so_that"
        case components, storyPoints = "story_points", assigneeEmail = "assignee_email", status
    }

    /// Ids in lower case, as every other Kinexus API writes them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercased, forKey: .id)
        try container.encode(parentID?.lowercased, forKey: .parentID)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(asA, forKey: .asA)
        try container.encode(iWant, forKey: .iWant)
        try container.encode(soThat, forKey: .soThat)
        try container.encode(components, forKey: .components)
        try container.encode(storyPoints, forKey: .storyPoints)
        try container.encode(assigneeEmail, forKey: .assigneeEmail)
        try container.encode(status, forKey: .status)
    }

    public func draft(isEpic: Bool) -> StoryDraft {
        StoryDraft(title: title, description: description, asA: asA, iWant: iWant, soThat: soThat,
                   storyPoints: storyPoints, isEpic: isEpic)
    }
}

/// A create or an update: every field optional, `accept_warnings` to save despite INVEST warnings.
public struct StoryInput: Sendable, Edit {
    var parentID: UUID??
    var title: String?
    var description: String?
    var asA: String?
    var iWant: String?
    var soThat: String?
    var components: [String]?
    var storyPoints: Int??
    var assigneeEmail: String??
    var status: String?
    public private(set) var acceptWarnings: Bool?

    enum CodingKeys: String, CodingKey {
        case parentID = "parent_id", title, description, asA = "as_a", iWant = "i_want", soThat = "so_that"
        case components, storyPoints = "story_points", assigneeEmail = "assignee_email", status
        case acceptWarnings = "accept_warnings"
    }

    /// A form's fields: each given field is set, and `nil` leaves it as it is.
    public init(
        parentID: UUID?? = nil, title: String? = nil, description: String? = nil, asA: String? = nil, iWant: String? = nil,
        soThat: String? = nil, storyPoints: Int?? = nil, status: String? = nil, acceptWarnings: Bool = false
    ) {
        self.parentID = parentID
        self.title = title
        self.description = description
        self.asA = asA
        self.iWant = iWant
        self.soThat = soThat
        self.storyPoints = storyPoints
        self.status = status
        self.acceptWarnings = acceptWarnings
    }

    /// `null` clears a clearable field; a missing key leaves it as it is.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func clearable<T: Decodable>(_ key: CodingKeys) throws -> T?? {
            guard container.contains(key) else { return nil }
            return .some(try container.decodeNil(forKey: key) ? nil : try container.decode(T.self, forKey: key))
        }
        parentID = try clearable(.parentID)
        storyPoints = try clearable(.storyPoints)
        assigneeEmail = try clearable(.assigneeEmail)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        asA = try container.decodeIfPresent(String.self, forKey: .asA)
        iWant = try container.decodeIfPresent(String.self, forKey: .iWant)
        soThat = try container.decodeIfPresent(String.self, forKey: .soThat)
        components = try container.decodeIfPresent([String].self, forKey: .components)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        acceptWarnings = try container.decodeIfPresent(Bool.self, forKey: .acceptWarnings)
    }

    /// The story with this input applied, or the field at fault and the problem.
    public func applied(to story: Story) -> Result<Story, InvalidField> {
        var result = story
        if let title { result.title = title.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let description { result.description = description }
        if let asA { result.asA = asA }
        if let iWant { result.iWant = iWant }
        if let soThat { result.soThat = soThat }
        if let components { result.components = components }
        if let storyPoints { result.storyPoints = storyPoints }
        if let assigneeEmail { result.assigneeEmail = assigneeEmail }
        if let parentID { result.parentID = parentID }
        if let status { result.status = status }
        if result.title.isEmpty { return .failure(InvalidField(field: "title", problem: "must not be empty")) }
        if let points = result.storyPoints, points < 0 || points > Int(Int32.max) {
            return .failure(InvalidField(field: "story_points", problem: "must be a whole number ≥ 0, not \(points)"))
        }
        if !Story.statuses.contains(result.status) {
            return .failure(InvalidField(field: "status", problem: "must be one of \(Story.statuses.joined(separator: ", ")), not '\(result.status)'"))
        }
        if let email = result.assigneeEmail, !email.isEmpty, !Self.looksLikeEmail(email) {
            return .failure(InvalidField(field: "assignee_email", problem: "'\(email)' is not an e-mail address"))
        }
        return .success(result)
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}

extension UUID {
    /// Ids in lower case, as every Kinexus API writes them.
    public var lowercased: String { uuidString.lowercased() }
}

/// A request body that changes a stored value: decoded, then applied field by field and checked.
public protocol Edit: Decodable {
    associatedtype Target
    func applied(to target: Target) -> Result<Target, InvalidField>
}

public struct InvalidField: Error, Sendable, Equatable {
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }
}
