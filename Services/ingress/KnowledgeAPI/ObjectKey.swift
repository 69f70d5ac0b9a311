/// Object keys as an object store takes them (`policies/refunds.md`), minus what would be ambiguous as a
/// path: empty, `.` or `..` segments, a leading slash, control characters.
public enum ObjectKey {
    public static func problem(with key: String) -> String? {
        guard !key.isEmpty else { return "is empty" }
        guard key.utf8.count <= 1024 else { return "is longer than 1024 bytes" }
        guard !key.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) else { return "contains control characters" }
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            return "must be segments separated by single slashes, none of them empty, . or .."
        }
        return nil
    }
}
