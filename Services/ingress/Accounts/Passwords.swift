import HummingbirdBcrypt
import NIOCore
import NIOPosix

/// Bcrypt, which takes a quarter of a second on purpose, off Swift's cooperative pool.
enum Passwords {
    static func hash(_ password: String) async throws -> String {
        try await hashing.runIfActive { Bcrypt.hash(password, cost: 12) }
    }

    /// Without an account the password is still checked against a hash, so a name's existence does not
    /// show in how long the answer takes.
    static func verify(_ password: String, hash: String?) async throws -> Bool {
        try await hashing.runIfActive {
            guard let hash else {
                _ = Bcrypt.verify(password, hash: decoy)
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    /// Threads of their own, one per core: on NIO's shared blocking pool a burst of sign-ins queued the
    /// process's file reads and writes behind it for seconds (ten sign-ins hold two threads 1.25 s).
    private static let hashing: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    private static let decoy = Bcrypt.hash("no account has this password", cost: 12)

    /// 24 characters from 57 that cannot be mistaken for one another: about 140 bits.
    static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &generator) ?? "x" })
    }
}
