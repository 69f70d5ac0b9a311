import Foundation

/// An acceptance test of a story: Given/When/Then steps and whether it passes.
public struct AcceptanceTest: Sendable, Equatable, Encodable {
    public static let statuses = ["Draft", "Pass", "Fail"]

    public var id: UUID
    public var storyID: UUID
    public var title: String
    public var given: [String]
    public var when: [String]
    public var then: [String]
    public var status: String

    public init(id: UUID, storyID: UUID, title: String, given: [String], when: [String], then: [String], status: String) {
        self.id = id
        self.storyID = storyID
        self.title = title
        self.given = given
        self.when = when
        self.then = then
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, storyID = "story_id", title, given, when, then, status
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercased, forKey: .id)
        try container.encode(storyID.lowercased, forKey: .storyID)
        try container.encode(title, forKey: .title)
        try container.encode(given, forKey: .given)
        try container.encode(when, forKey: .when)
        try container.encode(then, forKey: .then)
        try container.encode(status, forKey: .status)
    }
}

/// A create or an update of an acceptance test; missing keys leave the field as it is.
public struct AcceptanceTestInput: Sendable, Edit {
    var title: String?
    var given: [String]?
    var when: [String]?
    var then: [String]?
    var status: String?

    public init(title: String? = nil, given: [String]? = nil, when: [String]? = nil, then: [String]? = nil, status: String? = nil) {
        self.title = title
        self.given = given
        self.when = when
        self.then = then
        self.status = status
    }

    public func applied(to test: AcceptanceTest) -> Result<AcceptanceTest, InvalidField> {
        var result = test
        if let title { result.title = title }
        if let given { result.given = given }
        if let when { result.when = when }
        if let then { result.then = then }
        if let status { result.status = status }
        if result.then.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            return .failure(InvalidField(field: "then", problem: "needs at least one step"))
        }
        if !AcceptanceTest.statuses.contains(result.status) {
            return .failure(InvalidField(field: "status", problem: "must be Draft, Pass or Fail, not '\(result.status)'"))
        }
        return .success(result)
    }
}
