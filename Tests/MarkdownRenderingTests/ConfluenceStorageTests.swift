import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MarkdownRendering
import Testing

@Suite("Markdown to Confluence storage format")
struct ConfluenceStorageTests {
    /// Parses the storage format as XML inside a root that declares Confluence's namespaces; answers the
    /// parser's error, if any, and the text content.
    func parse(_ storage: String) -> (error: String?, text: String) {
        let document = #"<root xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier">"#
            + storage + "</root>"
        final class TextCollector: NSObject, XMLParserDelegate {
            var text = ""
            func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
            func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { text += String(decoding: CDATABlock, as: UTF8.self) }
        }
        let parser = XMLParser(data: Data(document.utf8))
        let collector = TextCollector()
        parser.delegate = collector
        parser.shouldProcessNamespaces = true
        let ok = parser.parse()
        return (ok ? nil : "\(parser.parserError.map { "\($0)" } ?? "unknown") in \(storage)", collector.text)
    }

    static let hostile: [String] = [
        "<script>alert(1)</script>\n\nText with <b>raw</b> & \"quotes\" and 'apostrophes'",
        "```swift\nlet end = \"]]>\"\nlet more = \"]]]]>\" // ]]>\n```",
        "| a | b |\n|---|---|\n| <td> | x & y |\n| `]]>` | **bold** |",
        "- one\n  - nested <i>\n    1. deep\n    2. deeper\n- [x] done\n- [ ] open",
        "Unicode: héllo — 日本語 🎉 \u{202E}rtl\u{0007}bell\u{0000}nul\u{FFFE}",
        "[click](javascript:alert(1)) [ok](https://example.com/?a=1&b=\"2\") ![img\"alt](http://x/y.png \"t\")",
        String(repeating: ">", count: 2000) + " deep quote",
        String(repeating: "- ", count: 500) + "deep list",
        "<!-- comment --> <?php echo 1 ?> <![CDATA[ x ]]> &amp; &#0; &bogus;",
        "# Heading <h1>\n\n---\n\nline  \nbreak ~~struck~~ *em* `code <x>`",
    ]

    @Test("hostile markdown always yields well-formed XML", arguments: hostile)
    func wellFormed(markdown: String) {
        let storage = ConfluenceStorage.render(markdown)
        #expect(parse(storage).error == nil)
    }

    @Test("raw HTML appears as text, never as markup")
    func rawHTMLIsText() {
        let storage = ConfluenceStorage.render("<script>alert(1)</script>\n\nSay <b>hi</b>")
        #expect(!storage.contains("<script"))
        #expect(!storage.contains("<b>"))
        #expect(parse(storage).text.contains("<script>alert(1)</script>"))
        #expect(parse(storage).text.contains("Say <b>hi</b>"))
    }

    @Test("a fenced code block becomes the code macro with its language, verbatim even with ]]> inside")
    func codeMacro() {
        let code = "let end = \"]]>\" // <tag> & more"
        let storage = ConfluenceStorage.render("```swift\n\(code)\n```")
        #expect(storage.hasPrefix(#"<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">swift</ac:parameter>"#))
        #expect(parse(storage).text == "swift" + code)
    }

    @Test("headings, lists, tables, emphasis and links map to storage XHTML")
    func structure() {
        let storage = ConfluenceStorage.render("""
            ## Usage

            1. first
            2. second

            | Name | Value |
            |------|-------|
            | a    | **b** |

            See [the API](https://example.com/api?x=1&y=2) and *this*.
            """)
        #expect(storage.contains("<h2>Usage</h2>"))
        #expect(storage.contains("<ol><li>first</li><li>second</li></ol>"))
        #expect(storage.contains("<table><tbody><tr><th>Name</th><th>Value</th></tr><tr><td>a</td><td><strong>b</strong></td></tr></tbody></table>"))
        #expect(storage.contains(#"<a href="https://example.com/api?x=1&amp;y=2">the API</a>"#))
        #expect(storage.contains("<em>this</em>"))
    }

    @Test("links with unsafe schemes keep their text and lose the link")
    func unsafeLinks() {
        let storage = ConfluenceStorage.render("[click](javascript:alert(1)) ![x](data:text/html,hi)")
        #expect(!storage.contains("javascript"))
        #expect(!storage.contains("data:"))
        #expect(storage.contains("click"))
    }
}
