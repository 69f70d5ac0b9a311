import Crypto

/// A source's content as a SHA-256 in hex: re-indexing content with the hash already indexed changes nothing.
public enum ContentHash {
    public static func of(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
