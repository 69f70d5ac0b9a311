import Crypto
import Synchronization

/// The key that signs diff links: a configured secret, or one read when first needed (from where every
/// replica reads the same) and kept.
public final class LinkSecret: Sendable {
    private let read: @Sendable () async throws -> String
    private let known: Mutex<SymmetricKey?>

    public init(_ secret: String) {
        known = Mutex(SymmetricKey(data: Array(secret.utf8)))
        read = { secret }
    }

    public init(_ read: @escaping @Sendable () async throws -> String) {
        known = Mutex(nil)
        self.read = read
    }

    func key() async throws -> SymmetricKey {
        if let key = known.withLock({ $0 }) { return key }
        let key = SymmetricKey(data: Array(try await read().utf8))
        known.withLock { $0 = key }
        return key
    }
}
