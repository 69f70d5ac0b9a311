/// An EventBridge wildcard: `*` matches any run of characters, `\*` a literal star, `\\` a backslash.
struct Wildcard: Sendable, Equatable {
    /// The literal pieces between stars; a match starts with the first and ends with the last.
    let pieces: [String]

    init(_ text: String, field: String) throws(EventPatternError) {
        var pieces: [String] = [], current = "", escaping = false, previousWasStar = false
        for character in text {
            if escaping {
                guard character == "*" || character == "\\" else {
                    throw EventPatternError(field: field, problem: "wildcard '\(text)' escapes '\(character)'; only \\* and \\\\ are escapes")
                }
                current.append(character)
                escaping = false
                previousWasStar = false
            } else if character == "\\" {
                escaping = true
            } else if character == "*" {
                guard !previousWasStar else {
                    throw EventPatternError(field: field, problem: "wildcard '\(text)' has consecutive '*' characters")
                }
                pieces.append(current)
                current = ""
                previousWasStar = true
            } else {
                current.append(character)
                previousWasStar = false
            }
        }
        guard !escaping else {
            throw EventPatternError(field: field, problem: "wildcard '\(text)' ends with a lone backslash")
        }
        pieces.append(current)
        self.pieces = pieces
    }

    func matches(_ value: String) -> Bool {
        let characters = Array(value)
        guard pieces.count > 1 else { return characters == Array(pieces[0]) }
        let first = Array(pieces[0]), last = Array(pieces[pieces.count - 1])
        guard characters.count >= first.count + last.count,
              characters.starts(with: first), characters.reversed().starts(with: last.reversed())
        else { return false }
        // Each middle piece is matched at its earliest position: greedy-leftmost is exact for `*`-only globs.
        var position = first.count
        let end = characters.count - last.count
        for piece in pieces.dropFirst().dropLast() {
            let needle = Array(piece)
            guard let found = Self.find(needle, in: characters, from: position, to: end) else { return false }
            position = found + needle.count
        }
        return position <= end
    }

    private static func find(_ needle: [Character], in haystack: [Character], from start: Int, to end: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        var index = start
        while index + needle.count <= end {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
