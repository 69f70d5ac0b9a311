import Foundation

/// Splits a migration file into its statements: PostgresNIO speaks only the extended protocol, which
/// runs one statement at a time. Semicolons inside quotes, dollar quotes and comments do not split.
public enum SQLStatements {
    public static func split(_ sql: String) -> [String] {
        let characters = Array(sql)
        var statements: [String] = []
        var start = 0, index = 0
        func flush(upTo end: Int) {
            let statement = String(characters[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
            if !isOnlyComments(statement) { statements.append(statement) }
        }
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "'", "\"":
                index = skipQuoted(characters, from: index, quote: character)
            case "-" where next == "-":
                while index < characters.count, characters[index] != "\n" { index += 1 }
            case "/" where next == "*":
                index = skipBlockComment(characters, from: index)
            case "$":
                index = skipDollarQuoted(characters, from: index)
            case ";":
                flush(upTo: index)
                index += 1
                start = index
            default:
                index += 1
            }
        }
        flush(upTo: characters.count)
        return statements
    }

    private static func skipQuoted(_ characters: [Character], from start: Int, quote: Character) -> Int {
        var index = start + 1
        while index < characters.count {
            if characters[index] == quote {
                // A doubled quote is an escaped quote inside the literal.
                if index + 1 < characters.count, characters[index + 1] == quote { index += 2; continue }
                return index + 1
            }
            index += 1
        }
        return index
    }

    private static func skipBlockComment(_ characters: [Character], from start: Int) -> Int {
        var depth = 0, index = start
        while index < characters.count {
            if characters[index] == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                depth += 1
                index += 2
            } else if characters[index] == "*", index + 1 < characters.count, characters[index + 1] == "/" {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return index
    }

    /// `$tag$ … $tag$` (or `$$ … $$`); a `$` that opens no such quote, as in `$1`, is skipped alone.
    private static func skipDollarQuoted(_ characters: [Character], from start: Int) -> Int {
        var end = start + 1
        while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" {
            end += 1
        }
        guard end < characters.count, characters[end] == "$", !(characters[start + 1].isNumber) else { return start + 1 }
        let tag = Array(characters[start...end])
        var index = end + 1
        while index + tag.count <= characters.count {
            if Array(characters[index..<index + tag.count]) == tag { return index + tag.count }
            index += 1
        }
        return characters.count
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        var rest = Substring(statement)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*"), let close = rest.range(of: "*/") {
                rest = rest[close.upperBound...]
            } else {
                return rest.isEmpty
            }
        }
    }
}
