/// One stream per `(source, detail-type)`: `kinexus:ev:<source>:<detail-type>`.
public struct Topic: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let prefix = "kinexus:ev:"

    public let source: String
    public let detailType: String

    public init(source: String, detailType: String) {
        self.source = source
        self.detailType = detailType
    }

    /// Parses a stream key, or the `source:detail-type` short form the CLI accepts.
    public init?(streamKey: String) {
        let name = streamKey.hasPrefix(Self.prefix) ? String(streamKey.dropFirst(Self.prefix.count)) : streamKey
        // Sources never contain ':'; detail-types are taken whole after the first one.
        guard let colon = name.firstIndex(of: ":") else { return nil }
        let source = String(name[..<colon]), detailType = String(name[name.index(after: colon)...])
        guard !source.isEmpty, !detailType.isEmpty else { return nil }
        self.init(source: source, detailType: detailType)
    }

    public var streamKey: String { Self.prefix + source + ":" + detailType }

    public var description: String { streamKey }

    public static func < (lhs: Topic, rhs: Topic) -> Bool { lhs.streamKey < rhs.streamKey }
}
