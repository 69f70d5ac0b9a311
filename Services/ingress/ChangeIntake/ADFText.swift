import Foundation
import KinexusJSON

/// Plain text of an Atlassian Document Format document, as Jira Cloud sends descriptions and comment
/// bodies in REST v3: one line per paragraph, heading or code line; list items as `- item`.
public enum ADFText {
    /// A description or body that is either a plain string (REST v2, Jira Server) or an ADF document.
    public static func text(ofBody body: JSONValue?) -> String {
        switch body {
        case .string(let text)?: text
        case let document? where document["type"] != nil: lines(of: document).joined(separator: "\n")
        default: ""
        }
    }

    private static func children(_ node: JSONValue) -> [JSONValue] {
        if case .array(let content)? = node["content"] { return content }
        return []
    }

    private static func lines(of node: JSONValue) -> [String] {
        switch node["type"]?.stringValue ?? "" {
        case "bulletList", "orderedList":
            return children(node).flatMap { item in
                lines(of: item).enumerated().map { index, line in (index == 0 ? "- " : "  ") + line }
            }
        case "paragraph", "heading", "codeBlock", "tableCell", "tableHeader":
            let text = children(node).map(inline).joined()
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        case "tableRow":
            let cells = children(node).map { lines(of: $0).joined(separator: " ") }
            return [cells.joined(separator: " | ")]
        case "rule":
            return []
        case "text", "mention", "emoji", "hardBreak", "inlineCard", "status", "date":
            return [inline(node)]
        default:
            return children(node).flatMap(lines)
        }
    }

    private static func inline(_ node: JSONValue) -> String {
        let attributes = node["attrs"]
        switch node["type"]?.stringValue ?? "" {
        case "text": return node["text"]?.stringValue ?? ""
        case "hardBreak": return "\n"
        case "mention", "status": return attributes?["text"]?.stringValue ?? ""
        case "emoji": return attributes?["text"]?.stringValue ?? attributes?["shortName"]?.stringValue ?? ""
        case "inlineCard": return attributes?["url"]?.stringValue ?? ""
        default: return children(node).map(inline).joined()
        }
    }
}
