import KinexusEvents

/// What an intake copies from a webhook into ChangeDetected, bounded so the event always fits the bus's
/// 256 KB: each text past its bound is cut on a whole character and ends with a note saying how much was
/// left out, which the document then carries. Bounds are in bytes as the event encodes them.
public enum ChangeBounds {
    static let description = 120 * 1024
    static let summary = 4 * 1024
    static let url = 4 * 1024
    static let name = 512
    static let listEntries = 50
    static let listEntry = 256
    static let criterion = 512
    static let comment = 4 * 1024

    public static func bounded(_ change: ChangeDetected) -> ChangeDetected {
        var change = change
        change.description = cut(change.description, within: description, what: "description")
        change.summary = cut(change.summary, within: summary, what: "summary")
        // An address cut short would lead nowhere: one too long is dropped.
        change.url = change.url.flatMap { EncodedLength.of($0) <= url ? $0 : nil }
        change.ticketKey = cut(change.ticketKey, within: name, what: "key")
        change.ticketType = cut(change.ticketType, within: name, what: "type")
        change.priority = change.priority.map { cut($0, within: name, what: "priority") }
        change.labels = list(change.labels, within: listEntry, what: "label")
        change.components = list(change.components, within: listEntry, what: "component")
        change.fixVersions = list(change.fixVersions, within: listEntry, what: "version")
        change.acceptanceCriteria = list(change.acceptanceCriteria, within: criterion, what: "criterion")
        change.apiPaths = list(change.apiPaths, within: listEntry, what: "path")
        change.docComments = list(change.docComments, within: comment, what: "comment")
        return change
    }

    static func cut(_ text: String, within limit: Int, what: String) -> String {
        EncodedLength.cut(text, within: limit, what: what)
    }

    private static func list(_ values: [String], within limit: Int, what: String) -> [String] {
        values.prefix(listEntries).map { cut($0, within: limit, what: what) }
    }
}
