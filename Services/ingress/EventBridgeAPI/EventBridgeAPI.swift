import EventBridgeRules
import EventPatterns
import Foundation
import Hummingbird
import KinexusBus
import KinexusEvents
import KinexusJSON
import KinexusServiceKit
import Logging

/// EventBridge's API on Kinexus's bus, at `POST /aws/events`: AWS's JSON 1.1 protocol (`X-Amz-Target:
/// AWSEvents.<Operation>`), every request signed with Signature Version 4 by a key of `KINEXUS_AWS_CREDENTIALS`,
/// so the AWS CLI and SDKs reach Kinexus with `--endpoint-url http://…/aws/events`.
public struct EventBridgeAPI: Sendable {
    /// The largest body read: ten entries of 256 KB in all, written as JSON strings, stay well under it.
    static let maximumBody = 1024 * 1024

    let signature: SignatureV4
    let bus: EventBus
    let publisher: EventPublisher
    let logger: Logger

    public init(credentials: AWSCredentials, publisher: EventPublisher, logger: Logger) {
        signature = SignatureV4(credentials: credentials, service: "events")
        bus = EventBus(account: publisher.account, region: publisher.region)
        self.publisher = publisher
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
        switch target.dropFirst(prefix.count) {
        case "PutEvents": return AWSJSON.response(try await putEvents(input))
        case "TestEventPattern": return AWSJSON.response(try testEventPattern(input))
        case "DescribeEventBus": return AWSJSON.response(try describeEventBus(input))
        case "ListEventBuses": return AWSJSON.response(listEventBuses(input))
        case let operation:
            throw AWSRefusal("UnknownOperationException", "Kinexus does not support the operation \(operation.prefix(64)).")
        }
    }
}
