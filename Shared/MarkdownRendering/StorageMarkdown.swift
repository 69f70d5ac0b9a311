/// Confluence storage format read back as markdown, enough for a writer to update a page a person wrote:
/// headings, paragraphs, list items, line breaks and code macros keep their shape; other markup keeps its
/// text. It reads tags by scanning, as storage format is XHTML with entities an XML parser would refuse.
public enum StorageMarkdown {
    public static func markdown(fromStorage storage: String) -> String {
        var output = ""
        var rest = Substring(storage)
        var codeLanguage = ""
        while let open = rest.firstIndex(of: "<") {
            output += decoded(rest[..<open])
            rest = rest[open...]
            if rest.hasPrefix("<![CDATA[") {
                // Code holding `]]>` is written as consecutive CDATA sections; they read back as one.
                var code = ""
                while rest.hasPrefix("<![CDATA[") {
                    let body = rest.dropFirst(9)
                    let end = body.range(of: "]]>")?.lowerBound ?? body.endIndex
                    code += body[..<end]
                    rest = end == body.endIndex ? body[end...] : body[end...].dropFirst(3)
                }
                output += "\n\n```\(codeLanguage)\n" + code + "\n```\n\n"
                codeLanguage = ""
                continue
            }
            guard let close = rest.firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            let name = tag.split(whereSeparator: { $0 == " " || $0 == "/" }).first.map { $0.lowercased() } ?? ""
            let closing = tag.hasPrefix("/")
            switch (name, closing) {
            case ("h1", false), ("h2", false), ("h3", false), ("h4", false), ("h5", false), ("h6", false):
                output += "\n" + String(repeating: "#", count: Int(String(name.dropFirst())) ?? 2) + " "
            case (_, true) where ["h1", "h2", "h3", "h4", "h5", "h6", "p"].contains(String(tag.dropFirst()).lowercased()):
                output += "\n\n"
            case ("li", false): output += "\n- "
            case ("br", _): output += "\n"
            case ("ac:parameter", false) where tag.contains("ac:name=\"language\""):
                if let end = rest.range(of: "</ac:parameter>") {
                    codeLanguage = decoded(rest[..<end.lowerBound])
                    rest = rest[end.upperBound...]
                }
            default: break
            }
        }
        output += decoded(rest)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var result: [String] = []
        for line in lines where !(line.isEmpty && (result.last?.isEmpty ?? true)) { result.append(line) }
        return result.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    static let entities: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]

    static func decoded(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var output = ""
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].prefix(10).firstIndex(of: ";") else {
                output += "&"
                rest = rest[afterAmpersand...]
                continue
            }
            let name = rest[afterAmpersand..<semicolon]
            if let known = entities[name] {
                output += known
            } else if name.hasPrefix("#"), let code = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : UInt32(name.dropFirst()),
                      let scalar = Unicode.Scalar(code) {
                output.unicodeScalars.append(scalar)
            } else {
                output += rest[ampersand...semicolon]
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }
}
