import CCmarkGFM
import Foundation

/// GitHub-flavoured markdown to HTML with cmark-gfm: tables, strikethrough, autolinks, task lists. Raw
/// HTML in the markdown is never passed through (cmark's safe default, plus the tag filter), so a page
/// written from a ticket cannot carry a script.
public enum MarkdownHTML {
    static let extensions = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    public static func render(_ markdown: String) -> String {
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in extensions {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let html = cmark_render_html(document, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(html) }
        return String(cString: html)
    }
}
