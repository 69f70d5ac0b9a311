import MarkdownRendering
/// The review's diff page: side-by-side and unified views, additions green and deletions red, every
/// character of the documents escaped so that content can never become markup.
public enum DiffPage {
    /// What the new version is compared with.
    public enum Baseline: Sendable {
        case version(Int)
        /// The published page a new document updates.
        case publishedPage
        case nothing
    }

    public static func html(title: String, from baseline: Baseline, toVersion: Int, diff: LineDiff, images: ImageChanges) -> String {
        let heading = switch baseline {
        case .version(let from): "version \(from) → \(toVersion)"
        case .publishedPage: "published page → version \(toVersion)"
        case .nothing: "version \(toVersion) (new document)"
        }
        var rows = "", unified = ""
        for line in diff.lines {
            switch line {
            case .same(let text):
                rows += row(left: text, right: text, leftClass: "same", rightClass: "same")
                unified += "<div class=\"same\">  \(HTMLText.escape(text))</div>\n"
            case .added(let text):
                rows += row(left: nil, right: text, leftClass: "empty", rightClass: "add")
                unified += "<div class=\"add\">+ \(HTMLText.escape(text))</div>\n"
            case .deleted(let text):
                rows += row(left: text, right: nil, leftClass: "del", rightClass: "empty")
                unified += "<div class=\"del\">- \(HTMLText.escape(text))</div>\n"
            case .changed(let from, let to):
                rows += row(left: from, right: to, leftClass: "del", rightClass: "add")
                unified += "<div class=\"del\">- \(HTMLText.escape(from))</div>\n<div class=\"add\">+ \(HTMLText.escape(to))</div>\n"
            }
        }
        let imageList = [("added", images.added), ("removed", images.removed), ("unchanged", images.unchanged)]
            .filter { !$0.1.isEmpty }
            .map { "<li>\($0.0): \($0.1.map(HTMLText.escape).joined(separator: ", "))</li>" }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Review: \(HTMLText.escape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; }
            table { border-collapse: collapse; width: 100%; font-family: ui-monospace, monospace; font-size: 13px; }
            td { vertical-align: top; padding: 0 .5rem; white-space: pre-wrap; width: 50%; }
            .add { background: #e6ffec; color: #116329; } .del { background: #ffebe9; color: #82071e; }
            .empty { background: #f6f8fa; } pre, .unified div { font-family: ui-monospace, monospace; white-space: pre-wrap; margin: 0; }
            </style></head><body>
            <h1>Review: \(HTMLText.escape(title))</h1>
            <p>\(HTMLText.escape(heading)): \(HTMLText.escape(diff.summary))</p>
            \(imageList.isEmpty ? "" : "<h2>Images</h2><ul>\(imageList)</ul>")
            <h2>Side by side</h2>
            <table>
            \(rows)</table>
            <h2>Unified</h2>
            <div class="unified">
            \(unified)</div>
            </body></html>
            """
    }

    private static func row(left: String?, right: String?, leftClass: String, rightClass: String) -> String {
        "<tr><td class=\"\(leftClass)\">\(left.map(HTMLText.escape) ?? "")</td><td class=\"\(rightClass)\">\(right.map(HTMLText.escape) ?? "")</td></tr>\n"
    }
}
