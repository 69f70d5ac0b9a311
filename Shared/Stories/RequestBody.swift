import StoryRules
import Foundation
import Hummingbird
import KinexusEvents
import KinexusServiceKit

/// An answer that refuses a request, carried as the failure of a `Result`.
struct Refusal: Error {
    let answer: Response
    init(_ answer: Response) { self.answer = answer }
}

/// The request's JSON body (at most 256 KB), or the 400 that names what is wrong with it. An empty body
/// means `empty` when one is given.
func decodeBody<Input: Decodable>(_ type: Input.Type, _ request: Request, emptyMeans empty: Input? = nil) async throws
    -> Result<Input, Refusal>
{
    let body = try await request.body.collect(upTo: 256 * 1024)
    if body.readableBytes == 0, let empty { return .success(empty) }
    try refuseNULCharacters(inJSON: body)
    do {
        return .success(try JSONDecoder().decode(Input.self, from: Data(buffer: body)))
    } catch {
        return .failure(Refusal(jsonResponse(.badRequest, ErrorBody(error: "invalid body: \(describeDecodingProblem(error))",
                                                                    code: "invalid_body"))))
    }
}
