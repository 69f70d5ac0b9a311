import MarkdownRendering
import Testing

struct MarkdownHTMLTests {
    @Test func rendersGitHubFlavouredMarkdown() {
        let html = MarkdownHTML.render("""
            # Title

            | a | b |
            | - | - |
            | 1 | ~~2~~ |

            - [x] done
            """)
        #expect(html.contains("<h1>Title</h1>"))
        #expect(html.contains("<table>"))
        #expect(html.contains("<del>2</del>"))
        #expect(html.contains("checked"))
    }

    @Test func rawHTMLAndScriptLinksNeverPassThrough() {
        let html = MarkdownHTML.render("""
            <script>alert(1)</script>

            [x](javascript:alert(1)) <img src=x onerror=alert(1)> `<b>code</b>`
            """)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("<img"))
        #expect(html.contains("<code>&lt;b&gt;code&lt;/b&gt;</code>"))
    }
}

/// Pages are rendered by concurrent requests: every render sees every extension.
@Test func concurrentRendersAllSeeTheExtensions() async {
    let rendered = await withTaskGroup(of: Bool.self) { group in
        for _ in 0..<64 {
            group.addTask {
                let html = MarkdownHTML.render("| a |\n| - |\n| ~~b~~ |")
                return html.contains("<table>") && html.contains("<del>b</del>")
            }
        }
        return await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(rendered.allSatisfy { $0 })
}
