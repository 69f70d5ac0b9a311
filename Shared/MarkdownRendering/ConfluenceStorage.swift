import CCmarkGFM
import Foundation

/// Markdown to Confluence storage format, written from cmark-gfm's syntax tree: well-formed XHTML in
/// which every piece of text is escaped, raw HTML from the markdown appears as text, code blocks become
/// the `code` macro, and links keep only safe schemes. The tree is walked with cmark's iterator rather
/// than by recursion, so deeply nested input cannot exhaust the stack.
public enum ConfluenceStorage {
    public static func render(_ markdown: String) -> String {
        MarkdownSyntaxTree.withDocument(markdown) { document, _ in
            var writer = Writer()
            guard let iterator = cmark_iter_new(document) else { return "" }
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                guard let node = cmark_iter_get_node(iterator) else { continue }
                if event == CMARK_EVENT_ENTER {
                    if writer.enter(node) == .skipChildren { cmark_iter_reset(iterator, node, CMARK_EVENT_EXIT) }
                } else {
                    writer.exit(node)
                }
            }
            return writer.output
        } ?? ""
    }

    enum Children { case visit, skipChildren }

    struct Writer {
        var output = ""

        mutating func enter(_ node: OpaquePointer) -> Children {
            switch typeName(node) {
            case "paragraph": if !isInTightList(node) { output += "<p>" }
            case "heading": output += "<h\(headingLevel(node))>"
            case "block_quote": output += "<blockquote>"
            case "list": output += openList(node)
            case "item", "tasklist":
                output += "<li>"
                if typeName(node) == "tasklist" { output += cmark_gfm_extensions_get_tasklist_item_checked(node) ? "☑ " : "☐ " }
            case "code_block":
                output += codeMacro(language: literal(cmark_node_get_fence_info(node)), code: literal(cmark_node_get_literal(node)))
            case "html_block": output += "<p>" + escaped(literal(cmark_node_get_literal(node))) + "</p>"
            case "thematic_break": output += "<hr />"
            case "text", "html_inline": output += escaped(literal(cmark_node_get_literal(node)))
            case "softbreak": output += "\n"
            case "linebreak": output += "<br />"
            case "code": output += "<code>" + escaped(literal(cmark_node_get_literal(node))) + "</code>"
            case "emph": output += "<em>"
            case "strong": output += "<strong>"
            case "strikethrough": output += "<del>"
            case "link": if let url = safeURL(node) { output += "<a href=\"\(escaped(url))\">" }
            case "image":
                let alt = escaped(plainText(of: node))
                if let url = safeURL(node) {
                    output += "<ac:image ac:alt=\"\(alt)\"><ri:url ri:value=\"\(escaped(url))\" /></ac:image>"
                } else {
                    output += alt
                }
                return .skipChildren
            case "table": output += "<table><tbody>"
            case "table_header", "table_row": output += "<tr>"
            case "table_cell": output += isHeaderCell(node) ? "<th>" : "<td>"
            default: break
            }
            return .visit
        }

        mutating func exit(_ node: OpaquePointer) {
            switch typeName(node) {
            case "paragraph": if !isInTightList(node) { output += "</p>" }
            case "heading": output += "</h\(headingLevel(node))>"
            case "block_quote": output += "</blockquote>"
            case "list": output += cmark_node_get_list_type(node) == CMARK_ORDERED_LIST ? "</ol>" : "</ul>"
            case "item", "tasklist": output += "</li>"
            case "emph": output += "</em>"
            case "strong": output += "</strong>"
            case "strikethrough": output += "</del>"
            case "link": if safeURL(node) != nil { output += "</a>" }
            case "table": output += "</tbody></table>"
            case "table_header", "table_row": output += "</tr>"
            case "table_cell": output += isHeaderCell(node) ? "</th>" : "</td>"
            default: break
            }
        }

        private func openList(_ node: OpaquePointer) -> String {
            guard cmark_node_get_list_type(node) == CMARK_ORDERED_LIST else { return "<ul>" }
            let start = cmark_node_get_list_start(node)
            return start == 1 ? "<ol>" : "<ol start=\"\(start)\">"
        }

        /// The code macro keeps code verbatim in CDATA; a `]]>` inside the code is split across two sections.
        private func codeMacro(language: String, code: String) -> String {
            let name = language.split(separator: " ").first.map(String.init) ?? ""
            let safeName = name.filter { $0.isLetter || $0.isNumber || "+#-_.".contains($0) }
            var macro = "<ac:structured-macro ac:name=\"code\">"
            if !safeName.isEmpty { macro += "<ac:parameter ac:name=\"language\">\(escaped(safeName))</ac:parameter>" }
            let body = xmlCharacters(code.hasSuffix("\n") ? String(code.dropLast()) : code)
            macro += "<ac:plain-text-body><![CDATA[" + body.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>")
            return macro + "]]></ac:plain-text-body></ac:structured-macro>"
        }

        private func isInTightList(_ node: OpaquePointer) -> Bool {
            guard let item = cmark_node_parent(node), ["item", "tasklist"].contains(typeName(item)),
                  let list = cmark_node_parent(item) else { return false }
            return cmark_node_get_list_tight(list) != 0
        }

        private func isHeaderCell(_ cell: OpaquePointer) -> Bool {
            cmark_node_parent(cell).map { cmark_gfm_extensions_get_table_row_is_header($0) != 0 } ?? false
        }

        private func headingLevel(_ node: OpaquePointer) -> Int32 {
            min(max(cmark_node_get_heading_level(node), 1), 6)
        }

        /// http, https, mailto, and links within the page or site; `javascript:` and the like are dropped.
        private func safeURL(_ node: OpaquePointer) -> String? {
            let url = literal(cmark_node_get_url(node)).trimmingCharacters(in: .whitespaces)
            guard !url.isEmpty else { return nil }
            let lowered = url.lowercased()
            if ["http://", "https://", "mailto:"].contains(where: lowered.hasPrefix) { return url }
            if let colon = lowered.firstIndex(of: ":"),
               !lowered[..<colon].contains(where: { "/?#".contains($0) }) { return nil }
            return url
        }

        private func plainText(of node: OpaquePointer) -> String {
            var text = ""
            guard let iterator = cmark_iter_new(node) else { return "" }
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
                if ["text", "code", "html_inline"].contains(typeName(child)) { text += literal(cmark_node_get_literal(child)) }
            }
            return text
        }
    }
}

private func typeName(_ node: OpaquePointer) -> String {
    literal(cmark_node_get_type_string(node))
}

private func literal(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}

/// Text and attribute values: the five XML escapes, and no character XML 1.0 forbids.
private func escaped(_ text: String) -> String {
    HTMLText.escape(xmlCharacters(text))
}

/// Drops the control characters and non-characters XML 1.0 does not allow anywhere, CDATA included.
private func xmlCharacters(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }))
}
