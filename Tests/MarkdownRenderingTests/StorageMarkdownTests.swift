import MarkdownRendering
import Testing

struct StorageMarkdownTests {
    @Test("a page a person wrote in Confluence reads back as markdown with its structure")
    func readsStructure() {
        let storage = """
            <h1>Rate limits</h1><p>Requests are &lt;counted&gt; per&nbsp;key &amp; per minute.</p>\
            <h2>Headers</h2><ul><li><p>X-Limit</p></li><li>X-Remaining</li></ul>\
            <ac:structured-macro ac:name="code"><ac:parameter ac:name="language">sh</ac:parameter>\
            <ac:plain-text-body><![CDATA[curl -H "X-Key: <k>" $URL]]></ac:plain-text-body></ac:structured-macro>\
            <p>Line one<br/>line two &#233; &#x1F600; &bogus;</p>
            """
        #expect(StorageMarkdown.markdown(fromStorage: storage) == """
            # Rate limits

            Requests are <counted> per key & per minute.

            ## Headers

            - X-Limit

            - X-Remaining

            ```sh
            curl -H "X-Key: <k>" $URL
            ```

            Line one
            line two é 😀 &bogus;

            """)
    }

    @Test("what Kinexus renders reads back to the same headings and code")
    func roundTrip() {
        let markdown = "# Title\n\n## Usage\n\nCall it.\n\n```swift\nlet x = 1 // ]]> <y>\n```\n"
        let back = StorageMarkdown.markdown(fromStorage: ConfluenceStorage.render(markdown))
        #expect(back == markdown)
    }
}
