import HummingbirdBcrypt
import NIOPosix

/// Bcrypt, which takes a quarter of a second on purpose, off Swift's cooperative pool.
enum Passwords {
    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: 12) }
    }

    /// Without an account the password is still checked against a hash, so a name's existence does not
    /// show in how long the answer takes.
    static func verify(_ password: String, hash: String?) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.verify(password, hash: decoy)
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    private static let decoy = Bcrypt.hash("no account has this password", cost: 12)

    /// 24 characters from 57 that cannot be mistaken for one another: about 140 bits.
    static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &generator) ?? "x" })
    }
}
