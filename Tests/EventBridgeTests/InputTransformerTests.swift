import EventBridgeRules
import KinexusJSON
import Testing

/// What a target sends: EventBridge's input transformer, JSON paths and a connection's secrets.
struct InputTransformerTests {
    static let event: JSONValue = [
        "id": "e-1", "source": "acme.orders", "detail-type": "OrderPlaced", "time": "2026-12-06T10:00:00Z",
        "detail": ["order": 7, "customer": ["name": "Ada \"the\" Lovelace"], "items": ["book", "pen"], "paid": true],
    ]

    static func transformer(_ paths: [String: JSONValue], _ template: String) throws -> InputTransformer {
        try InputTransformer(json: ["InputPathsMap": .object(paths), "InputTemplate": .string(template)])
    }

    @Test func valuesGoInAsStringContentInsideQuotesAndAsJSONOutside() throws {
        let transformer = try Self.transformer(
            ["name": "$.detail.customer.name", "order": "$.detail.order", "items": "$.detail.items", "missing": "$.detail.nothing"],
            #"{"text": "Order <order> for <name>", "order": <order>, "items": <items>, "name": <name>, "gone": <missing>, "rule": "<aws.events.rule-name>"}"#)
        let output = transformer.apply(to: Self.event, ruleName: "orders", ruleARN: "arn:rule/orders")
        let json = try JSONValue(parsing: output)
        #expect(json == [
            "text": #"Order 7 for Ada "the" Lovelace"#, "order": 7, "items": ["book", "pen"], "name": #"Ada "the" Lovelace"#,
            "gone": .null, "rule": "orders",
        ])
    }

    @Test func aPlainTextTemplateTakesStringsAsTheyAre() throws {
        let transformer = try Self.transformer(["name": "$.detail.customer.name", "first": "$.detail.items[0]"], "<name> bought a <first>")
        #expect(!transformer.isJSONTemplate)
        #expect(transformer.apply(to: Self.event, ruleName: "r", ruleARN: "a") == #"Ada "the" Lovelace bought a book"#)
    }

    @Test func theWholeEventAndItsTimeArePredefined() throws {
        let transformer = try Self.transformer([:], #"{"event": <aws.events.event>, "at": "<aws.events.event.ingestion-time>"}"#)
        let json = try JSONValue(parsing: transformer.apply(to: Self.event, ruleName: "r", ruleARN: "a"))
        #expect(json["event"] == Self.event)
        #expect(json["at"] == "2026-12-06T10:00:00Z")
    }

    @Test func badPathsAndNamesAreRefused() {
        #expect(throws: AWSRefusal.self) { try Self.transformer(["x": "detail.order"], "<x>") }
        #expect(throws: AWSRefusal.self) { try Self.transformer(["aws.events.x": "$.detail"], "<x>") }
        #expect(throws: AWSRefusal.self) { try Self.transformer([:], "") }
        #expect(JSONPath("$.detail['customer'].name")?.value(in: Self.event) == #"Ada "the" Lovelace"#)
        #expect(JSONPath("$.detail.items[5]")?.value(in: Self.event) == nil)
        #expect(JSONPath("$.detail.items[99999999999]") == nil)
        #expect(JSONPath("$..x") == nil)
    }

    @Test func secretsAreSealedUnderTheKeyAndReferencesReadWhenDelivering() throws {
        let box = SecretBox(key: Array(repeating: 1, count: 32))
        let definition = try ConnectionDefinition(type: "BASIC", parameters: [
            "BasicAuthParameters": ["Username": "bot", "Password": "s3cret"],
            "InvocationHttpParameters": ["HeaderParameters": [["Key": "X-Team", "Value": "docs", "IsValueSecret": false],
                                                              ["Key": "X-Token", "Value": "env:TEAM_TOKEN", "IsValueSecret": true]]],
        ], box: box)
        #expect(!definition.stored.jsonText.contains("s3cret"))
        #expect(!definition.described.jsonText.contains("TEAM_TOKEN"))
        let restored = ConnectionDefinition(stored: definition.stored)
        #expect(restored == definition)
        let parts = try restored.invocationParts(box: box, environment: ["TEAM_TOKEN": "t-1"])
        #expect(parts.headers.map(\.0) == ["X-Team", "X-Token", "Authorization"])
        #expect(parts.headers.map(\.1) == ["docs", "t-1", "Basic Ym90OnMzY3JldA=="])
        #expect(throws: SecretUnavailable.self) { try restored.invocationParts(box: SecretBox(key: Array(repeating: 2, count: 32)), environment: ["TEAM_TOKEN": "t"]) }
        #expect(throws: SecretUnavailable.self) { try restored.invocationParts(box: box, environment: [:]) }
    }
}
