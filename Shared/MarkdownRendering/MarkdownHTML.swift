import CCmarkGFM
import Foundation

/// GitHub-flavoured markdown to HTML with cmark-gfm. Raw HTML in the markdown is never passed through
/// (cmark's safe default, plus the tag filter), so a page written from a ticket cannot carry a script.
public enum MarkdownHTML {
    public static func render(_ markdown: String) -> String {
        MarkdownSyntaxTree.withDocument(markdown) { document, extensions in
            guard let html = cmark_render_html(document, CMARK_OPT_DEFAULT, extensions) else { return "" }
            defer { free(html) }
            return String(cString: html)
        } ?? ""
    }
}
