import EventBridgeRules
import Foundation
import HummingbirdTesting
import KinexusBus
import KinexusJSON
import KinexusPostgres
import KinexusRedis
import KinexusTestSupport
import Logging
import PostgresNIO
import Testing

/// Rules, targets, connections and API destinations through the AWS endpoint, on the test Redis and Postgres.
struct RuleOperationsTests {
    typealias API = EventBridgeAPITests

    func call(_ client: any TestClientProtocol, _ operation: String, _ input: JSONValue) async throws -> JSONValue {
        try await API.call(client, operation, input).json
    }

    /// A connection and an API destination named after `name`, answering the destination's ARN.
    func destination(_ client: any TestClientProtocol, _ name: String) async throws -> String {
        let connection = try await call(client, "CreateConnection", [
            "Name": .string(name), "AuthorizationType": "API_KEY",
            "AuthParameters": ["ApiKeyAuthParameters": ["ApiKeyName": "X-Api-Key", "ApiKeyValue": "the-api-key-value"]],
        ])
        let created = try await call(client, "CreateApiDestination", [
            "Name": .string(name), "ConnectionArn": connection["ConnectionArn"] ?? .null,
            "InvocationEndpoint": "http://127.0.0.1:9/hooks", "HttpMethod": "POST", "InvocationRateLimitPerSecond": 5,
        ])
        return try #require(created["ApiDestinationArn"]?.stringValue)
    }

    @Test func aRuleIsCreatedDescribedListedDisabledAndDeletedOnceItHasNoTargets() async throws {
        let redis = try TestEnvironment.redisClient()
        let name = TestEnvironment.unique("orders-to-chat")
        try await API.withEndpoint(redis: redis) { client in
            let pattern = #"{"source": ["acme.orders"], "detail-type": ["OrderPlaced"]}"#
            let put = try await call(client, "PutRule", ["Name": .string(name), "EventPattern": .string(pattern), "Description": "orders"])
            #expect(put["RuleArn"] == .string("arn:aws:events:local:000000000000:rule/\(name)"))
            let described = try await call(client, "DescribeRule", ["Name": .string(name)])
            #expect(described["EventPattern"] == .string(pattern))
            #expect(described["State"] == "ENABLED")
            _ = try await call(client, "DisableRule", ["Name": .string(name)])
            #expect(try await call(client, "DescribeRule", ["Name": .string(name)])["State"] == "DISABLED")
            let listed = try await call(client, "ListRules", ["NamePrefix": .string(name)])
            #expect(listed["Rules"]?.arrayValue?.map { $0["Name"] } == [.string(name)])

            let arn = try await destination(client, name)
            let transformer: JSONValue = ["InputPathsMap": ["order": "$.detail.order"], "InputTemplate": #"{"text": "Order <order> placed"}"#]
            let targets = try await call(client, "PutTargets", ["Rule": .string(name), "Targets": [
                ["Id": "chat", "Arn": .string(arn), "InputTransformer": transformer, "RetryPolicy": ["MaximumRetryAttempts": 3]],
            ]])
            #expect(targets["FailedEntryCount"] == 0)
            let stored = try await call(client, "ListTargetsByRule", ["Rule": .string(name)])
            let target = try #require(stored["Targets"]?.arrayValue?.first)
            #expect(target["InputTransformer"] == transformer)
            #expect(target["RetryPolicy"] == ["MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 86400])

            let refused = try await API.call(client, "DeleteRule", ["Name": .string(name)])
            #expect(refused.json == ["__type": "ValidationException", "message": "Rule can't be deleted since it has targets."])
            let removed = try await call(client, "RemoveTargets", ["Rule": .string(name), "Ids": ["chat", "nothing"]])
            #expect(removed["FailedEntryCount"] == 1)
            _ = try await call(client, "DeleteRule", ["Name": .string(name)])
            let gone = try await API.call(client, "DescribeRule", ["Name": .string(name)])
            #expect(gone.json["__type"] == "ResourceNotFoundException")
        }
        await redis.shutdown()
    }

    @Test func targetsAreCheckedBeforeAnyIsStored() async throws {
        let redis = try TestEnvironment.redisClient()
        let name = TestEnvironment.unique("checked")
        try await API.withEndpoint(redis: redis) { client in
            _ = try await call(client, "PutRule", ["Name": .string(name), "EventPattern": #"{"source": ["acme"]}"#])
            let arn = try await destination(client, name)
            let lambda = try await API.call(client, "PutTargets", ["Rule": .string(name), "Targets": [
                ["Id": "fn", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f"],
            ]])
            #expect(lambda.json["__type"] == "ValidationException")
            let missing = try await API.call(client, "PutTargets", ["Rule": .string(name), "Targets": [
                ["Id": "gone", "Arn": "arn:aws:events:local:000000000000:api-destination/no-such-destination/1"],
            ]])
            #expect(missing.json["__type"] == "ValidationException")
            let both = try await API.call(client, "PutTargets", ["Rule": .string(name), "Targets": [
                ["Id": "both", "Arn": .string(arn), "Input": "{}", "InputPath": "$.detail"],
            ]])
            #expect(both.json["__type"] == "ValidationException")
            let six = JSONValue.array((1...6).map { ["Id": .string("t\($0)"), "Arn": .string(arn)] })
            let tooMany = try await API.call(client, "PutTargets", ["Rule": .string(name), "Targets": six])
            #expect(tooMany.json["__type"] == "LimitExceededException")
            #expect(try await call(client, "ListTargetsByRule", ["Rule": .string(name)])["Targets"] == [])
            let badPattern = try await API.call(client, "PutRule", ["Name": .string(name), "EventPattern": #"{"source": "acme"}"#])
            #expect(badPattern.json["__type"] == "InvalidEventPatternException")
            let schedule = try await API.call(client, "PutRule", ["Name": .string(name), "ScheduleExpression": "rate(5 minutes)"])
            #expect(schedule.json["__type"] == "ValidationException")
            let nul = try await API.call(client, "PutRule", ["Name": .string(name), "EventPattern": #"{"source": ["acme"]}"#,
                                                             "Description": "before\u{0}after"])
            #expect(nul.status == .badRequest && nul.json["__type"] == "ValidationException", "a NUL is refused, not a 500")
        }
        await redis.shutdown()
    }

    @Test func servicesSubscriptionsAreManagedRulesThatCannotBeChanged() async throws {
        let redis = try TestEnvironment.redisClient()
        let group = TestEnvironment.unique("svc")
        let subscription = try Subscription(pattern: #"{"source": ["kinexus.jira"], "detail-type": ["ChangeDetected"]}"#) { _, _ in }
        try await SubscriptionRegistry.register([subscription], group: group, redis: redis)
        try await API.withEndpoint(redis: redis) { client in
            let name = "kinexus.\(group).1"
            let listed = try await call(client, "ListRules", ["NamePrefix": .string("kinexus.\(group)")])
            let rule = try #require(listed["Rules"]?.arrayValue?.first)
            #expect(rule["Name"] == .string(name))
            #expect(rule["ManagedBy"] == "kinexus")
            #expect(try JSONValue(parsing: rule["EventPattern"]?.stringValue ?? "") == subscription.pattern.json)
            let targets = try await call(client, "ListTargetsByRule", ["Rule": .string(name)])
            #expect(targets["Targets"]?.arrayValue?.first?["Id"] == .string(group))
            let changed = try await API.call(client, "DeleteRule", ["Name": .string(name)])
            #expect(changed.json["__type"] == "ManagedRuleException")
        }
        _ = try await redis.send("HDEL", SubscriptionRegistry.key, group)
        await redis.shutdown()
    }

    @Test func aConnectionsSecretIsSealedOrAReferenceAndNeverAnswered() async throws {
        let redis = try TestEnvironment.redisClient()
        let name = TestEnvironment.unique("chat")
        try await API.withEndpoint(redis: redis) { client in
            _ = try await destination(client, name)
            let described = try await call(client, "DescribeConnection", ["Name": .string(name)])
            #expect(described["AuthParameters"] == ["ApiKeyAuthParameters": ["ApiKeyName": "X-Api-Key"]])
            #expect(described["AuthorizationType"] == "API_KEY")
            let listed = try await call(client, "ListConnections", ["NamePrefix": .string(name)])
            #expect(!listed.jsonText.contains("the-api-key-value"))
            let referred = try await call(client, "CreateConnection", [
                "Name": .string(name + "-ref"), "AuthorizationType": "BASIC",
                "AuthParameters": ["BasicAuthParameters": ["Username": "bot", "Password": "env:CHAT_PASSWORD"]],
            ])
            #expect(referred["ConnectionState"] == "AUTHORIZED")
            let inUse = try await API.call(client, "DeleteConnection", ["Name": .string(name)])
            #expect(inUse.json["__type"] == "ValidationException")
            _ = try await call(client, "DeleteApiDestination", ["Name": .string(name)])
            #expect(try await call(client, "DeleteConnection", ["Name": .string(name)])["ConnectionState"] == "DELETING")
        }
        let postgres = PostgresClient(configuration: try PostgresSettings.configuration(url: try TestEnvironment.postgresURL()),
                                      backgroundLogger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            let rows = try await postgres.query("SELECT auth_parameters::text FROM rules.connections WHERE name = \(name + "-ref")")
            let stored = try #require(try await rows.decode(String.self).first { _ in true })
            #expect(stored.contains("env:CHAT_PASSWORD"))
            group.cancelAll()
        }
        try await API.withEndpoint(redis: redis, secrets: SecretBox(key: nil)) { client in
            let unsealed = try await API.call(client, "CreateConnection", [
                "Name": .string(name + "-plain"), "AuthorizationType": "API_KEY",
                "AuthParameters": ["ApiKeyAuthParameters": ["ApiKeyName": "X-Api-Key", "ApiKeyValue": "plain"]],
            ])
            #expect(unsealed.json["__type"] == "ValidationException")
            #expect(unsealed.json["message"]?.stringValue?.contains("KINEXUS_SECRETS_KEY") == true)
        }
        await redis.shutdown()
    }
}
