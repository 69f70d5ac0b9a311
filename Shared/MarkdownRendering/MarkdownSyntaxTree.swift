import CCmarkGFM

/// Parses GitHub-flavoured markdown with cmark-gfm (tables, strikethrough, autolinks, task lists, the tag
/// filter) and lends the syntax tree to `body` while the parser that owns it is alive.
enum MarkdownSyntaxTree {
    static let extensions = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    static func withDocument<T>(
        _ markdown: String, _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T
    ) -> T? {
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return nil }
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
        guard let document = cmark_parser_finish(parser) else { return nil }
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }
}
