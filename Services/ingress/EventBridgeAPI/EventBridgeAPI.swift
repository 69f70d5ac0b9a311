import EventBridgeRules
import EventPatterns
import EventRules
import Foundation
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusRedis
import KinexusServiceKit
import Logging
import PostgresNIO
import RuleQueries

/// EventBridge's API on Kinexus's bus, at `POST /aws/events`: AWS's JSON 1.1 protocol (`X-Amz-Target:
/// AWSEvents.<Operation>`), every request signed with Signature Version 4 by a key of `KINEXUS_AWS_CREDENTIALS`,
/// so the AWS CLI and SDKs reach Kinexus with `--endpoint-url http://…/aws/events`.
public struct EventBridgeAPI: Sendable {
    /// The largest body read: ten entries of 256 KB in all, written as JSON strings, stay well under it.
    static let maximumBody = 1024 * 1024

    let signature: SignatureV4
    let secrets: SecretBox
    let bus: EventBus
    let publisher: EventPublisher
    let redis: RedisClient
    let rules: RuleStore
    let queries: RuleQueries
    let logger: Logger

    public init(credentials: AWSCredentials, secrets: SecretBox, publisher: EventPublisher, redis: RedisClient, postgres: PostgresClient,
                logger: Logger) {
        signature = SignatureV4(credentials: credentials, service: "events")
        self.secrets = secrets
        bus = EventBus(account: publisher.account, region: publisher.region)
        self.publisher = publisher
        self.redis = redis
        rules = RuleStore(client: postgres, logger: logger)
        queries = RuleQueries(client: postgres, logger: logger)
        self.logger = logger
        if credentials.isEmpty {
            logger.warning("the AWS endpoint /aws/events refuses every request: \(AWSCredentials.variable) names no key pair")
        }
    }

    public var routes: RouteCollection<KinexusRequestContext> {
        let routes = RouteCollection(context: KinexusRequestContext.self)
        routes.group("/aws/events").add(middleware: AWSErrors(logger: logger)).post { request, _ in
            try await answer(request)
        }
        return routes
    }

    func answer(_ request: Request) async throws -> Response {
        let body = Array(buffer: try await request.body.collect(upTo: Self.maximumBody))
        _ = try signature.verify(.init(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
            headers: request.headers.map { ($0.name.rawName, $0.value) } + [("host", request.head.authority ?? "")],
            body: body), now: Date())
        let target = request.headers[.amzTarget] ?? ""
        let prefix = "AWSEvents."
        guard target.hasPrefix(prefix) else {
            throw AWSRefusal("UnknownOperationException", "X-Amz-Target must name an operation, such as AWSEvents.PutEvents.")
        }
        let input: JSONValue
        do {
            input = try JSONValue(parsing: body.isEmpty ? Array("{}".utf8) : body)
        } catch {
            throw AWSRefusal("SerializationException", "The request body is not JSON: \(error)")
        }
        guard case .object = input else { throw AWSRefusal("SerializationException", "The request body must be a JSON object.") }
        let operation = String(target.dropFirst(prefix.count))
        // What is kept in Postgres cannot hold a NUL; PutEvents answers it per entry.
        if operation != "PutEvents", let path = input.pathOfNUL {
            throw AWSRefusal.validation("'\(path.prefix(200))' holds a NUL character (\\u0000), which Kinexus cannot store.")
        }
        return AWSJSON.response(try await perform(operation, input))
    }

    func perform(_ operation: String, _ input: JSONValue) async throws -> JSONValue {
        switch operation {
        case "PutEvents": try await putEvents(input)
        case "TestEventPattern": try testEventPattern(input)
        case "DescribeEventBus": try describeEventBus(input)
        case "ListEventBuses": listEventBuses(input)
        case "PutRule": try await putRule(input)
        case "DescribeRule": try await describeRule(input)
        case "ListRules": try await listRules(input)
        case "DeleteRule": try await deleteRule(input)
        case "EnableRule": try await setRuleState(input, enabled: true)
        case "DisableRule": try await setRuleState(input, enabled: false)
        case "PutTargets": try await putTargets(input)
        case "RemoveTargets": try await removeTargets(input)
        case "ListTargetsByRule": try await listTargetsByRule(input)
        case "CreateConnection": try await createConnection(input)
        case "DescribeConnection": try await describeConnection(input)
        case "ListConnections": try await listConnections(input)
        case "DeleteConnection": try await deleteConnection(input)
        case "CreateApiDestination": try await createApiDestination(input)
        case "DescribeApiDestination": try await describeApiDestination(input)
        case "ListApiDestinations": try await listApiDestinations(input)
        case "DeleteApiDestination": try await deleteApiDestination(input)
        default: throw AWSRefusal("UnknownOperationException", "Kinexus does not support the operation \(operation.prefix(64)).")
        }
    }
}
