import Foundation
import KinexusJSON

/// A connection: how an API destination is authorized (an API key header, basic credentials, or nothing) and
/// the header and query parameters every invocation carries. Its secrets are held as `SecretBox` stores them.
public struct ConnectionDefinition: Sendable, Equatable {
    public enum Authorization: Sendable, Equatable {
        case apiKey(name: String, value: String)
        case basic(username: String, password: String)
        case none
    }

    /// A header or query parameter; a secret one's value is held as stored.
    public struct Parameter: Sendable, Equatable {
        public let key: String
        public let value: String
        public let isSecret: Bool
    }

    public let authorization: Authorization
    public let headers: [Parameter]
    public let queryParameters: [Parameter]

    public var authorizationType: String {
        switch authorization {
        case .apiKey: "API_KEY"
        case .basic: "BASIC"
        case .none: "NONE"
        }
    }

    /// From CreateConnection's `AuthorizationType` and `AuthParameters`, each secret stored by `box`.
    public init(type: String?, parameters: JSONValue?, box: SecretBox) throws(AWSRefusal) {
        let parameters = parameters ?? .object([:])
        switch type {
        case "API_KEY":
            guard let name = parameters["ApiKeyAuthParameters"]?["ApiKeyName"]?.stringValue, Self.isHeaderName(name),
                  let value = parameters["ApiKeyAuthParameters"]?["ApiKeyValue"]?.stringValue, !value.isEmpty
            else { throw .validation("API_KEY needs AuthParameters.ApiKeyAuthParameters with an ApiKeyName (a header name) and an ApiKeyValue.") }
            authorization = .apiKey(name: name, value: try box.store(value, parameter: "ApiKeyValue"))
        case "BASIC":
            guard let username = parameters["BasicAuthParameters"]?["Username"]?.stringValue, !username.isEmpty, !username.contains(":"),
                  let password = parameters["BasicAuthParameters"]?["Password"]?.stringValue, !password.isEmpty
            else { throw .validation("BASIC needs AuthParameters.BasicAuthParameters with a Username (without ':') and a Password.") }
            authorization = .basic(username: username, password: try box.store(password, parameter: "Password"))
        case "NONE":
            authorization = .none
        case "OAUTH_CLIENT_CREDENTIALS":
            throw .validation("Kinexus does not support OAUTH_CLIENT_CREDENTIALS connections: use API_KEY, BASIC or NONE.")
        default:
            throw .validation("AuthorizationType must be API_KEY, BASIC or NONE.")
        }
        let invocation = parameters["InvocationHttpParameters"]
        if let body = invocation?["BodyParameters"]?.arrayValue, !body.isEmpty {
            throw .validation("Kinexus does not support InvocationHttpParameters.BodyParameters: use header or query string parameters.")
        }
        headers = try Self.parameters(invocation?["HeaderParameters"], name: "HeaderParameters", box: box)
        guard headers.allSatisfy({ Self.isHeaderName($0.key) }) else {
            throw .validation("Every HeaderParameters Key must be a header name.")
        }
        queryParameters = try Self.parameters(invocation?["QueryStringParameters"], name: "QueryStringParameters", box: box)
    }

    /// As kept in the database (secrets as stored); `init(stored:)` reads it back.
    public var stored: JSONValue {
        var fields: [String: JSONValue] = ["Headers": Self.json(headers, withSecrets: true), "Query": Self.json(queryParameters, withSecrets: true)]
        switch authorization {
        case .apiKey(let name, let value): fields["ApiKey"] = ["Name": .string(name), "Value": .string(value)]
        case .basic(let username, let password): fields["Basic"] = ["Username": .string(username), "Password": .string(password)]
        case .none: break
        }
        return .object(fields)
    }

    public init(stored: JSONValue) {
        if let name = stored["ApiKey"]?["Name"]?.stringValue, let value = stored["ApiKey"]?["Value"]?.stringValue {
            authorization = .apiKey(name: name, value: value)
        } else if let username = stored["Basic"]?["Username"]?.stringValue, let password = stored["Basic"]?["Password"]?.stringValue {
            authorization = .basic(username: username, password: password)
        } else {
            authorization = .none
        }
        func parameters(_ value: JSONValue?) -> [Parameter] {
            (value?.arrayValue ?? []).compactMap { item in
                guard let key = item["Key"]?.stringValue, let value = item["Value"]?.stringValue else { return nil }
                return Parameter(key: key, value: value, isSecret: item["IsValueSecret"] == .bool(true))
            }
        }
        headers = parameters(stored["Headers"])
        queryParameters = parameters(stored["Query"])
    }

    /// `AuthParameters` as DescribeConnection answers it: no secret, ever.
    public var described: JSONValue {
        var fields: [String: JSONValue] = [:]
        switch authorization {
        case .apiKey(let name, _): fields["ApiKeyAuthParameters"] = ["ApiKeyName": .string(name)]
        case .basic(let username, _): fields["BasicAuthParameters"] = ["Username": .string(username)]
        case .none: break
        }
        if !headers.isEmpty || !queryParameters.isEmpty {
            fields["InvocationHttpParameters"] = [
                "HeaderParameters": Self.json(headers, withSecrets: false),
                "QueryStringParameters": Self.json(queryParameters, withSecrets: false),
            ]
        }
        return .object(fields)
    }

    /// The headers and query parameters an invocation carries, secrets opened.
    public func invocationParts(box: SecretBox, environment: [String: String]) throws(SecretUnavailable)
        -> (headers: [(String, String)], query: [(String, String)])
    {
        var headers: [(String, String)] = []
        for parameter in self.headers {
            headers.append((parameter.key, parameter.isSecret ? try box.open(parameter.value, environment: environment) : parameter.value))
        }
        var query: [(String, String)] = []
        for parameter in queryParameters {
            query.append((parameter.key, parameter.isSecret ? try box.open(parameter.value, environment: environment) : parameter.value))
        }
        switch authorization {
        case .apiKey(let name, let value): headers.append((name, try box.open(value, environment: environment)))
        case .basic(let username, let password):
            let credentials = Data("\(username):\(try box.open(password, environment: environment))".utf8).base64EncodedString()
            headers.append(("Authorization", "Basic \(credentials)"))
        case .none: break
        }
        return (headers, query)
    }

    private static func parameters(_ value: JSONValue?, name: String, box: SecretBox) throws(AWSRefusal) -> [Parameter] {
        guard let value else { return [] }
        guard let items = value.arrayValue, items.count <= 100 else { throw .validation("\(name) must be a list of at most 100 parameters.") }
        var parameters: [Parameter] = []
        for item in items {
            guard let key = item["Key"]?.stringValue, !key.isEmpty, let value = item["Value"]?.stringValue else {
                throw .validation("Every one of \(name) needs a Key and a Value.")
            }
            let isSecret = item["IsValueSecret"] == .bool(true)
            parameters.append(Parameter(key: key, value: isSecret ? try box.store(value, parameter: "\(name) \(key)") : value, isSecret: isSecret))
        }
        return parameters
    }

    private static func json(_ parameters: [Parameter], withSecrets: Bool) -> JSONValue {
        .array(parameters.map { parameter in
            var fields: [String: JSONValue] = ["Key": .string(parameter.key), "IsValueSecret": .bool(parameter.isSecret)]
            if withSecrets || !parameter.isSecret { fields["Value"] = .string(parameter.value) }
            return .object(fields)
        })
    }

    /// A token of RFC 9110: what a header's name may hold.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 256 && name.utf8.allSatisfy { byte in
            ResourceName.isNameCharacter(byte) || "!#$%&'*+^`|~".utf8.contains(byte)
        }
    }
}
