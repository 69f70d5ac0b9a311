@testable import Console
import Testing

/// The multipart reader behind the knowledge page's upload: what browsers send, and what they never do.
struct MultipartFormTests {
    static let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"

    func body(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    @Test func readsTheFieldsAndTheFileABrowserSends() throws {
        let form = try #require(MultipartForm(body: body("""
            --\(Self.boundary)
            Content-Disposition: form-data; name="csrf"

            abc123
            --\(Self.boundary)
            Content-Disposition: form-data; name="file"; filename="notes; \\"v2\\".md"
            Content-Type: text/markdown

            # Notes
            Line two
            --\(Self.boundary)--

            """), boundary: Self.boundary))
        #expect(form.field("csrf") == "abc123")
        let file = try #require(form.file("file"))
        #expect(file.filename == #"notes; "v2".md"#)
        #expect(file.contentType == "text/markdown")
        #expect(String(decoding: file.body, as: UTF8.self) == "# Notes\r\nLine two")
        #expect(form.field("file") == nil, "a file is not a text field")
    }

    @Test func findsTheBoundaryInTheContentType() {
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartForm.boundary(contentType: #"Multipart/Form-Data; charset=utf-8; boundary="a b""#) == "a b")
        #expect(MultipartForm.boundary(contentType: "application/x-www-form-urlencoded") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
    }

    @Test func malformedBodiesAreRefusedNotTrapped() {
        let cases = [
            "", "--", "--\(Self.boundary)", "--\(Self.boundary)\r\n", "--\(Self.boundary)\r\nContent-Disposition: form-data\r\n\r\nx",
            "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno closing delimiter",
            "--\(Self.boundary)\r\nno colon header\r\n\r\nx\r\n--\(Self.boundary)--",
            "--\(Self.boundary)\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--\(Self.boundary)--",
            "--\(Self.boundary)xx", "\r\n\r\n\r\n",
        ]
        for text in cases {
            #expect(MultipartForm(body: Array(text.utf8), boundary: Self.boundary) == nil, "\(text.debugDescription)")
        }
        #expect(MultipartForm(body: [0xFF, 0xFE, 0x2D, 0x2D], boundary: "") == nil)
        let tooMany = (0...MultipartForm.mostParts).map { "--b\r\nContent-Disposition: form-data; name=\"f\($0)\"\r\n\r\nv\r\n" }.joined()
            + "--b--"
        #expect(MultipartForm(body: Array(tooMany.utf8), boundary: "b") == nil)
    }
}

extension MultipartForm: Equatable {
    public static func == (lhs: MultipartForm, rhs: MultipartForm) -> Bool { lhs.parts == rhs.parts }
}
