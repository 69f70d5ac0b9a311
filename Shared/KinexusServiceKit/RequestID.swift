import Foundation
import Synchronization

/// The id of the request being answered, for its log lines and error body: the caller's `X-Request-ID`
/// when it is a plain token of at most 128 characters (it goes into logs), else this process's next one.
public enum RequestID {
    @TaskLocal public static var current = ""

    static func given(_ header: String?) -> String? {
        guard let header, (1...128).contains(header.utf8.count),
              header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else { return nil }
        return header
    }

    /// A random prefix per process and a counter: unique across replicas without a random draw per request.
    static func next() -> String {
        "\(prefix)-\(String(counter.add(1, ordering: .relaxed).newValue, radix: 16))"
    }

    private static let prefix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    private static let counter = Atomic<UInt64>(0)
}
