/// Text placed in HTML or XML, as text or as an attribute value.
public enum HTMLText {
    /// Escapes the five characters that can change the meaning of HTML text or attributes. Unicode scalars,
    /// not characters, are compared: `<` followed by a combining mark is one Character, and still a `<`.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
