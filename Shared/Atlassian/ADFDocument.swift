import KinexusJSON

/// Atlassian Document Format bodies for Jira descriptions and comments. ADF refuses an empty text node,
/// so empty text becomes an empty paragraph.
public enum ADFDocument {
    public enum Inline: Sendable {
        case text(String)
        case link(String, url: String)
        case strong(String)
    }

    public static func document(_ paragraphs: [[Inline]]) -> JSONValue {
        ["type": "doc", "version": 1, "content": .array(paragraphs.map(paragraph))]
    }

    static func paragraph(_ inlines: [Inline]) -> JSONValue {
        let nodes: [JSONValue] = inlines.compactMap { inline in
            switch inline {
            case .text(let text) where !text.isEmpty:
                return ["type": "text", "text": .string(text)]
            case .link(let text, let url) where !text.isEmpty:
                return ["type": "text", "text": .string(text), "marks": [["type": "link", "attrs": ["href": .string(url)]]]]
            case .strong(let text) where !text.isEmpty:
                return ["type": "text", "text": .string(text), "marks": [["type": "strong"]]]
            default:
                return nil
            }
        }
        return nodes.isEmpty ? ["type": "paragraph"] : ["type": "paragraph", "content": .array(nodes)]
    }
}
