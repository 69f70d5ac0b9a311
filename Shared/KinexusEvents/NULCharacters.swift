import Foundation
import KinexusJSON

/// Postgres text cannot hold the NUL character, so Kinexus refuses any text that carries one where it
/// enters (a webhook, an API body, a query, an uploaded document) rather than accept what it cannot store.
extension String {
    /// With `memchr` over the UTF-8 bytes: every string of every webhook is checked.
    public var containsNUL: Bool {
        utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
        } ?? utf8.contains(0)
    }
}

extension JSONValue {
    /// Whether any string or key holds a NUL character; cheaper than `pathOfNUL`, which names it.
    public var containsNUL: Bool {
        switch self {
        case .string(let text): text.containsNUL
        case .array(let elements): elements.contains { $0.containsNUL }
        case .object(let fields): fields.contains { $0.key.containsNUL || $0.value.containsNUL }
        case .number, .bool, .null: false
        }
    }

    /// Where the first NUL character is, as a path (`issue.fields.labels[2]`); nil when there is none.
    /// A key that holds one is named as the path to it.
    public var pathOfNUL: String? {
        guard containsNUL else { return nil }
        var pending: [(value: JSONValue, path: String)] = [(self, "")]
        while let (value, path) = pending.popLast() {
            switch value {
            case .string(let text) where text.containsNUL:
                return path.isEmpty ? "body" : path
            case .array(let elements):
                pending.append(contentsOf: elements.enumerated().reversed().map { ($1, "\(path)[\($0)]") })
            case .object(let fields):
                for (key, field) in fields.sorted(by: { $0.key > $1.key }) {
                    let fieldPath = path.isEmpty ? key : "\(path).\(key)"
                    if key.containsNUL { return fieldPath.replacingNUL }
                    pending.append((field, fieldPath))
                }
            default:
                continue
            }
        }
        return nil
    }
}

extension String {
    /// The text with each NUL shown as `\0`, for naming a key in a message.
    fileprivate var replacingNUL: String {
        String(decoding: utf8.flatMap { $0 == 0 ? Array(#"\0"#.utf8) : [$0] }, as: UTF8.self)
    }
}
