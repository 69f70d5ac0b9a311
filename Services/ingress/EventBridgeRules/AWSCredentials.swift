import KinexusSettings

/// The key pairs that may sign requests to the AWS endpoint, from `KINEXUS_AWS_CREDENTIALS`
/// (`ACCESS_KEY_ID:SECRET`, comma-separated). A secret never appears in a message or a description.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public static let variable = "KINEXUS_AWS_CREDENTIALS"

    private let secrets: [String: String]

    public init(secrets: [String: String]) {
        self.secrets = secrets
    }

    public init(environment: [String: String]) throws {
        guard let text = EnvironmentSettings(environment).optional(Self.variable) else {
            self.init(secrets: [:])
            return
        }
        var secrets: [String: String] = [:]
        for (index, pair) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let place = "pair \(index + 1)"
            let parts = pair.trimmingCharacters(in: " ").split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw InvalidSetting(Self.variable, problem: "must be ACCESS_KEY_ID:SECRET pairs, comma-separated; \(place) has no ':'")
            }
            let (key, secret) = (String(parts[0]), String(parts[1]))
            guard (1...128).contains(key.utf8.count), key.utf8.allSatisfy(Self.isKeyCharacter) else {
                throw InvalidSetting(Self.variable, problem: "\(place): the access key id must be 1 to 128 letters and digits")
            }
            guard (1...256).contains(secret.utf8.count), secret.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw InvalidSetting(Self.variable, problem: "\(place) (\(key)): the secret must be 1 to 256 printable characters without spaces")
            }
            guard secrets.updateValue(secret, forKey: key) == nil else {
                throw InvalidSetting(Self.variable, problem: "names the access key id \(key) twice")
            }
        }
        self.init(secrets: secrets)
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public var accessKeyIDs: [String] { secrets.keys.sorted() }

    public func secret(for accessKeyID: String) -> String? {
        secrets[accessKeyID]
    }

    public var description: String { "AWSCredentials(\(accessKeyIDs.map { "\($0):****" }.joined(separator: ",")))" }

    private static func isKeyCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return text
    }
}
