/// A text that becomes knowledge: an object of the knowledge bucket, or a published page.
public struct KnowledgeSource: Sendable, Equatable {
    public enum Kind: String, Sendable { case object, page }

    /// `object:<key>` or `page:<address>`.
    public let id: String
    public let kind: Kind
    public let title: String
    /// Where a reader finds it: the object key or the page's address.
    public let location: String
    public let text: String

    public init(kind: Kind, location: String, title: String, text: String) {
        self.id = "\(kind.rawValue):\(location)"
        self.kind = kind
        self.title = title
        self.location = location
        self.text = text
    }
}
