import EventBridgeRules
import Foundation
import KinexusJSON
import RuleQueries
import EventRules

/// CreateConnection, DescribeConnection, ListConnections, DeleteConnection and the same for API destinations.
extension EventBridgeAPI {
    static let methods: Set<String> = ["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]

    func createConnection(_ input: JSONValue) async throws -> JSONValue {
        let name = try ResourceName.check(input["Name"], parameter: "name")
        let definition = try ConnectionDefinition(type: input["AuthorizationType"]?.stringValue, parameters: input["AuthParameters"], box: secrets)
        let created = try await rules.createConnection(name: name, description: input["Description"]?.stringValue, definition: definition)
        return [
            "ConnectionArn": .string(bus.connectionARN(name, id: created.id.uuidString.lowercased())), "ConnectionState": "AUTHORIZED",
            "CreationTime": AWSJSON.timestamp(created.createdAt), "LastModifiedTime": AWSJSON.timestamp(created.createdAt),
        ]
    }

    func describeConnection(_ input: JSONValue) async throws -> JSONValue {
        let name = try ResourceName.check(input["Name"], parameter: "name")
        guard let connection = try await queries.connection(named: name) else { throw Self.noConnection(name) }
        var fields = summary(connection)
        fields["AuthParameters"] = connection.definition.described
        if let description = connection.description { fields["Description"] = .string(description) }
        return .object(fields)
    }

    func listConnections(_ input: JSONValue) async throws -> JSONValue {
        let connections = try await queries.connections(prefix: input["NamePrefix"]?.stringValue ?? "")
        return ["Connections": .array(connections.map { .object(summary($0)) })]
    }

    func deleteConnection(_ input: JSONValue) async throws -> JSONValue {
        let name = try ResourceName.check(input["Name"], parameter: "name")
        guard let connection = try await queries.connection(named: name) else { throw Self.noConnection(name) }
        try await rules.deleteConnection(name: name)
        var fields = summary(connection)
        fields["ConnectionState"] = "DELETING"
        fields.removeValue(forKey: "Name")
        fields.removeValue(forKey: "AuthorizationType")
        return .object(fields)
    }

    func createApiDestination(_ input: JSONValue) async throws -> JSONValue {
        let name = try ResourceName.check(input["Name"], parameter: "name")
        guard let connectionARN = input["ConnectionArn"]?.stringValue else { throw AWSRefusal.validation("ConnectionArn is required.") }
        guard let endpoint = input["InvocationEndpoint"]?.stringValue, Self.isEndpoint(endpoint) else {
            throw AWSRefusal.validation("InvocationEndpoint must be an http or https URL with a host, at most 2048 characters.")
        }
        guard let method = input["HttpMethod"]?.stringValue, Self.methods.contains(method) else {
            throw AWSRefusal.validation("HttpMethod must be one of \(Self.methods.sorted().joined(separator: ", ")).")
        }
        let rate = input["InvocationRateLimitPerSecond"]
        guard rate == nil || rate == .null || (rate?.intValue).map({ (1...300).contains($0) }) == true else {
            throw AWSRefusal.validation("InvocationRateLimitPerSecond must be a whole number from 1 to 300.")
        }
        let created = try await rules.createDestination(RuleStore.NewDestination(
            name: name, description: input["Description"]?.stringValue,
            connectionName: ResourceName.name(fromNameOrARN: connectionARN, kind: "connection"), endpoint: endpoint, method: method,
            rateLimitPerSecond: rate?.intValue ?? 300))
        return [
            "ApiDestinationArn": .string(bus.apiDestinationARN(name, id: created.id.uuidString.lowercased())), "ApiDestinationState": "ACTIVE",
            "CreationTime": AWSJSON.timestamp(created.createdAt), "LastModifiedTime": AWSJSON.timestamp(created.createdAt),
        ]
    }

    func describeApiDestination(_ input: JSONValue) async throws -> JSONValue {
        let name = try ResourceName.check(input["Name"], parameter: "name")
        guard let destination = try await queries.destination(named: name) else { throw Self.noDestination(name) }
        return try await describe(destination)
    }

    func listApiDestinations(_ input: JSONValue) async throws -> JSONValue {
        let connection = input["ConnectionArn"]?.stringValue.map { ResourceName.name(fromNameOrARN: $0, kind: "connection") }
        let destinations = try await queries.destinations(prefix: input["NamePrefix"]?.stringValue ?? "", connection: connection)
        var described: [JSONValue] = []
        for destination in destinations { described.append(try await describe(destination)) }
        return ["ApiDestinations": .array(described)]
    }

    func deleteApiDestination(_ input: JSONValue) async throws -> JSONValue {
        try await rules.deleteDestination(name: try ResourceName.check(input["Name"], parameter: "name"))
        return [:]
    }

    private func describe(_ destination: DestinationRecord) async throws -> JSONValue {
        let connection = try await queries.connection(named: destination.connectionName)
        var fields: [String: JSONValue] = [
            "ApiDestinationArn": .string(bus.apiDestinationARN(destination.name, id: destination.id.uuidString.lowercased())),
            "Name": .string(destination.name), "ApiDestinationState": "ACTIVE",
            "ConnectionArn": .string(connection.map { bus.connectionARN($0.name, id: $0.id.uuidString.lowercased()) } ?? ""),
            "InvocationEndpoint": .string(destination.endpoint), "HttpMethod": .string(destination.method),
            "CreationTime": AWSJSON.timestamp(destination.createdAt), "LastModifiedTime": AWSJSON.timestamp(destination.updatedAt),
        ]
        if let rate = destination.rateLimitPerSecond { fields["InvocationRateLimitPerSecond"] = .number(Double(rate)) }
        if let description = destination.description { fields["Description"] = .string(description) }
        return .object(fields)
    }

    private func summary(_ connection: ConnectionRecord) -> [String: JSONValue] {
        [
            "ConnectionArn": .string(bus.connectionARN(connection.name, id: connection.id.uuidString.lowercased())),
            "Name": .string(connection.name), "ConnectionState": "AUTHORIZED",
            "AuthorizationType": .string(connection.definition.authorizationType),
            "CreationTime": AWSJSON.timestamp(connection.createdAt), "LastModifiedTime": AWSJSON.timestamp(connection.updatedAt),
            "LastAuthorizedTime": AWSJSON.timestamp(connection.createdAt),
        ]
    }

    static func isEndpoint(_ text: String) -> Bool {
        guard text.utf8.count <= 2048, let url = URL(string: text.replacingOccurrences(of: "*", with: "x")),
              ["http", "https"].contains(url.scheme?.lowercased() ?? ""), !(url.host ?? "").isEmpty
        else { return false }
        return true
    }

    static func noConnection(_ name: String) -> AWSRefusal {
        .notFound("Failed to describe the connection(s). Connection '\(name)' does not exist.")
    }

    static func noDestination(_ name: String) -> AWSRefusal {
        .notFound("Failed to describe the api-destination(s). An api-destination '\(name)' does not exist.")
    }
}
