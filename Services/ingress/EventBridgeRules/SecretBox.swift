import Crypto
import Foundation
import KinexusSettings

/// How a connection's secrets are kept: sealed with AES-GCM under `KINEXUS_SECRETS_KEY` (32 bytes, as 64 hex
/// digits), or — given as `env:NAME` — a reference to a variable the event-router reads when it delivers, so
/// the secret never reaches Kinexus's database. Neither is ever given back by the API.
public struct SecretBox: Sendable {
    public static let variable = "KINEXUS_SECRETS_KEY"
    static let sealedPrefix = "sealed:v1:"
    static let referencePrefix = "env:"

    let key: SymmetricKey?

    public init(environment: [String: String]) throws {
        guard let text = EnvironmentSettings(environment).optional(Self.variable) else {
            key = nil
            return
        }
        guard let bytes = Self.hexBytes(text), bytes.count == 32 else {
            throw InvalidSetting(Self.variable, problem: "must be 32 bytes written as 64 hex digits (od -An -N32 -tx1 /dev/urandom | tr -d ' \\n')")
        }
        key = SymmetricKey(data: bytes)
    }

    public init(key: [UInt8]?) {
        self.key = key.map { SymmetricKey(data: $0) }
    }

    /// What is stored for `secret`: the reference as given, or the secret sealed.
    public func store(_ secret: String, parameter: String) throws(AWSRefusal) -> String {
        if secret.hasPrefix(Self.referencePrefix) {
            let name = secret.dropFirst(Self.referencePrefix.count)
            guard !name.isEmpty, name.utf8.allSatisfy({ ResourceName.isNameCharacter($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "-") })
            else { throw .validation("\(parameter): a reference is env:NAME, NAME a variable of letters, digits and '_'.") }
            return secret
        }
        guard let key else {
            throw .validation("\(parameter): Kinexus stores a secret only sealed, and \(Self.variable) is not set on the ingress; "
                + "set it, or give a reference to a variable of the event-router, env:NAME.")
        }
        do {
            guard let combined = try AES.GCM.seal(Array(secret.utf8), using: key).combined else {
                throw AWSRefusal("InternalException", "cannot seal the secret", status: 500)
            }
            return Self.sealedPrefix + combined.base64EncodedString()
        } catch let refusal as AWSRefusal {
            throw refusal
        } catch {
            throw AWSRefusal("InternalException", "cannot seal the secret: \(error)", status: 500)
        }
    }

    /// The secret a stored value stands for, read from `environment` for a reference.
    public func open(_ stored: String, environment: [String: String]) throws(SecretUnavailable) -> String {
        if stored.hasPrefix(Self.referencePrefix) {
            let name = String(stored.dropFirst(Self.referencePrefix.count))
            guard let value = environment[name], !value.isEmpty else {
                throw SecretUnavailable(reason: "the variable \(name) the connection refers to is not set on the event-router")
            }
            return value
        }
        guard stored.hasPrefix(Self.sealedPrefix), let combined = Data(base64Encoded: String(stored.dropFirst(Self.sealedPrefix.count))) else {
            throw SecretUnavailable(reason: "the stored secret is neither sealed nor a reference")
        }
        guard let key else { throw SecretUnavailable(reason: "\(Self.variable) is not set on the event-router, so the secret cannot be opened") }
        guard let box = try? AES.GCM.SealedBox(combined: combined), let opened = try? AES.GCM.open(box, using: key) else {
            throw SecretUnavailable(reason: "the secret was sealed under another \(Self.variable)")
        }
        return String(decoding: opened, as: UTF8.self)
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

/// A secret a delivery needs and cannot have: retrying will not bring it.
public struct SecretUnavailable: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
