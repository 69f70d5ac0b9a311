/// Text as lower-cased words, so a rule about "fast" does not fire on "breakfast". Hyphens stay inside
/// words ("user-friendly"); every other mark separates them.
struct Wording {
    let words: [Substring]

    init(_ text: String) {
        words = text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// The first of `phrases` whose words appear here in order and next to each other.
    func first(of phrases: [String]) -> String? {
        phrases.first { phrase in
            let wanted = Wording(phrase).words
            guard !wanted.isEmpty, wanted.count <= words.count else { return false }
            return (0...(words.count - wanted.count)).contains { start in
                words[start..<(start + wanted.count)].elementsEqual(wanted)
            }
        }
    }
}
