import Crypto
import Foundation

/// AWS Signature Version 4 as a server checks it: the request's canonical form signed with the key derived
/// from the caller's secret, the credential scope and the request's date, which may be at most 15 minutes
/// from the server's clock either way. Refusals are AWS's own, so an SDK reports what it would report there.
public struct SignatureV4: Sendable {
    /// What the signature covers, as the request arrived: the path and query still percent-encoded.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: String
        /// Every header, names in any case, in the order received.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }

        func values(of name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name }.map(\.value)
        }
    }

    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let allowedSkew: TimeInterval = 15 * 60

    let credentials: AWSCredentials
    let service: String

    public init(credentials: AWSCredentials, service: String) {
        self.credentials = credentials
        self.service = service
    }

    /// The access key id that signed `request`, or the refusal AWS answers.
    public func verify(_ request: Request, now: Date) throws(AWSRefusal) -> String {
        guard let header = request.values(of: "authorization").first else { throw .missingAuthentication }
        let authorization = try Authorization(header)
        guard let secret = credentials.secret(for: authorization.accessKeyID) else { throw .unknownKey }
        guard request.values(of: "x-amz-security-token").isEmpty else { throw .unknownKey }
        guard let dateText = request.values(of: "x-amz-date").first else {
            throw .incompleteSignature("Authorization header requires existence of a 'X-Amz-Date' header. Authorization=\(header.prefix(80))")
        }
        guard let date = Self.parseDate(dateText) else {
            throw .incompleteSignature("X-Amz-Date must be in the form yyyyMMdd'T'HHmmss'Z': '\(dateText.prefix(40))'")
        }
        if date < now - Self.allowedSkew {
            throw .invalidSignature("Signature expired: \(dateText) is now earlier than \(Self.format(now - Self.allowedSkew)) "
                + "(\(Self.format(now)) - 15 min.)")
        }
        if date > now + Self.allowedSkew {
            throw .invalidSignature("Signature not yet current: \(dateText) is still later than \(Self.format(now + Self.allowedSkew)) "
                + "(\(Self.format(now)) + 15 min.)")
        }
        let scope = authorization.scope
        guard scope.date == String(dateText.prefix(8)) else {
            throw .invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                + "'\(scope.date)' != '\(dateText.prefix(8))', from ISO-8601 string '\(dateText)'.")
        }
        guard scope.service == service else {
            throw .invalidSignature("Credential should be scoped to correct service: '\(service)'.")
        }
        guard scope.terminator == "aws4_request" else {
            throw .invalidSignature("Credential should be scoped with a valid terminator: 'aws4_request', not '\(scope.terminator)'.")
        }
        guard authorization.signedHeaders.contains("host") else {
            throw .invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let expected = Self.signature(
            of: request, signedHeaders: authorization.signedHeaders, amzDate: dateText, scope: scope, secret: secret)
        guard Self.constantTimeEqual(expected, authorization.signature) else { throw .signatureMismatch }
        return authorization.accessKeyID
    }

    /// The hex signature of `request` under `secret`, as a client computes it.
    static func signature(
        of request: Request, signedHeaders: [String], amzDate: String, scope: Authorization.Scope, secret: String
    ) -> String {
        let canonical = canonicalRequest(request, signedHeaders: signedHeaders)
        let stringToSign = [algorithm, amzDate, scope.text, hex(SHA256.hash(data: Array(canonical.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [scope.date, scope.region, scope.service, scope.terminator] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    static func canonicalRequest(_ request: Request, signedHeaders: [String]) -> String {
        let headers = signedHeaders.map { name in
            let values = request.values(of: name).map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            return "\(name):\(values.joined(separator: ","))\n"
        }.joined()
        return [
            request.method, canonicalURI(request.path), canonicalQuery(request.query), headers,
            signedHeaders.joined(separator: ";"), hex(SHA256.hash(data: request.body)),
        ].joined(separator: "\n")
    }

    /// The path with its dot segments removed, encoded once more (every service but S3 signs it so).
    static func canonicalURI(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let normalized = "/" + segments.joined(separator: "/")
        return percentEncode(normalized, keeping: "/")
    }

    /// The query's parameters sorted, as they were encoded.
    static func canonicalQuery(_ query: String) -> String {
        query.split(separator: "&").map { parameter -> (String, String) in
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }.sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func percentEncode(_ text: String, keeping kept: Character) -> String {
        var encoded = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "-_.~".contains(character) || character == kept {
                encoded.append(character)
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    static func parseDate(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard digits[range].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(String(decoding: digits[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
              let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var components = DateComponents(timeZone: TimeZone(identifier: "UTC"), year: year, month: month, day: day,
                                        hour: hour, minute: minute, second: second)
        components.calendar = Calendar(identifier: .gregorian)
        guard components.isValidDate, let date = components.date else { return nil }
        return date
    }

    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let (left, right) = (Array(left.utf8), Array(right.utf8))
        return left.count == right.count && zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
