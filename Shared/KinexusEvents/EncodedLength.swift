import KinexusJSON
/// How many bytes text takes in an event, escaped as `JSONWriter` escapes it, so that an intake can bound
/// what it copies into an event by what the event will weigh.
public enum EncodedLength {
    public static func of(_ text: String) -> Int {
        var length = 0
        for byte in text.utf8 { length += bytes(for: byte) }
        return length
    }

    /// `text` when it fits in `limit` bytes; else its start and a note saying how long it was, together
    /// within `limit`.
    public static func cut(_ text: String, within limit: Int, what: String) -> String {
        guard of(text) > limit else { return text }
        let note = " [… Kinexus cut this \(what): it was \(text.count) characters]"
        return prefix(of: text, within: max(0, limit - of(note))) + note
    }

    /// The longest prefix of `text`, ending on a whole character, that takes at most `limit` bytes: the bytes that
    /// fit, counted along the UTF-8, then back to the last character boundary (walking characters from the start
    /// took a 300 KB text seconds in a debug build).
    public static func prefix(of text: String, within limit: Int) -> Substring {
        var used = 0, fitting = 0
        for byte in text.utf8 {
            let cost = bytes(for: byte)
            guard used + cost <= limit else { break }
            used += cost
            fitting += 1
        }
        var end = text.utf8.index(text.startIndex, offsetBy: fitting)
        while end > text.startIndex, end.samePosition(in: text) == nil {
            end = text.utf8.index(before: end)
        }
        return text[..<end]
    }

    private static func bytes(for byte: UInt8) -> Int {
        switch byte {
        case 0x0A, 0x0D, 0x09, UInt8(ascii: "\""), UInt8(ascii: "\\"): 2
        case ..<0x20: 6
        default: 1
        }
    }
}
