import EventBridgeRules
import Hummingbird
import KinexusServiceKit
import Logging

/// The AWS endpoint's error middleware: whatever its handlers throw answers in AWS's JSON protocol, so an SDK
/// raises the exception it would raise against EventBridge — a refusal with its own type and status, a
/// dependency that is down `ServiceUnavailable` (503, which the SDKs retry), anything else `InternalFailure`
/// (500), logged at error with the whole error under the request's id.
struct AWSErrors<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let refusal as AWSRefusal {
            logger.notice("AWS request refused", metadata: [
                "request_id": "\(RequestID.current)", "target": "\(request.headers[.amzTarget] ?? "")", "error": "\(refusal)",
            ])
            return AWSJSON.error(refusal)
        } catch let refusal as any HTTPResponseError where refusal.status == .contentTooLarge {
            return AWSJSON.error(.validation("The request body is over \(EventBridgeAPI.maximumBody) bytes."))
        } catch {
            let requestID = RequestID.current
            if let dependency = ErrorMiddleware<Context>.unavailableDependency(error) {
                logger.error("AWS request failed: a dependency is unreachable", metadata: [
                    "request_id": "\(requestID)", "dependency": "\(dependency)", "error": "\(String(reflecting: error))",
                ])
                return AWSJSON.error(AWSRefusal("ServiceUnavailable", "\(dependency) is unreachable; try again shortly", status: 503))
            }
            logger.error("AWS request failed", metadata: [
                "request_id": "\(requestID)", "target": "\(request.headers[.amzTarget] ?? "")", "error": "\(String(reflecting: error))",
            ])
            return AWSJSON.error(AWSRefusal(
                "InternalFailure", "The request failed; the ingress's log has the error under request id \(requestID).", status: 500))
        }
    }
}
