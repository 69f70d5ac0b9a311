import CCmarkGFM
import Synchronization

/// Parses GitHub-flavoured markdown with cmark-gfm (tables, strikethrough, autolinks, task lists, the tag
/// filter) and lends the syntax tree to `body` while the parser that owns it is alive.
enum MarkdownSyntaxTree {
    /// cmark-gfm's extension registry is a global list that registering changes without a lock, so it is
    /// filled once, by Swift's thread-safe static initialization.
    private struct Extensions: @unchecked Sendable {
        let pointers: [OpaquePointer]
    }

    private static let extensions: Extensions = {
        cmark_gfm_core_extensions_ensure_registered()
        let names: [String] = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]
        return Extensions(pointers: names.compactMap { cmark_find_syntax_extension($0) })
    }()

    /// Attaching an extension adds its characters to a table of special characters that is global in
    /// cmark-gfm, and freeing the parser takes them out again: a parse that overlaps another parser's end
    /// loses its tables and strikethrough. So one document is parsed and rendered at a time — a few
    /// milliseconds each.
    private static let oneAtATime = Mutex(())

    static func withDocument<T: Sendable>(
        _ markdown: String, _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T
    ) -> T? {
        oneAtATime.withLock { _ in parse(markdown, body) }
    }

    private static func parse<T>(
        _ markdown: String, _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T
    ) -> T? {
        let extensions = Self.extensions
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return nil }
        defer { cmark_parser_free(parser) }
        for syntax in extensions.pointers {
            cmark_parser_attach_syntax_extension(parser, syntax)
        }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return nil }
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }
}
