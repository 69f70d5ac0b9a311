/// The `detail` of one detail-type. Field names are snake_case on the wire, as in the original system.
public protocol EventDetail: Codable, Sendable, Equatable {
    static var detailType: String { get }
}
