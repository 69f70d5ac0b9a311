import Crypto

/// An event id derived from an upstream identifier (a webhook delivery id), shaped as a UUID: a retry of
/// the same delivery yields the same id, so every consumer collapses the repeats.
extension EventID {
    public static func derived(from name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80  // version 8: a custom, name-based UUID
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}
