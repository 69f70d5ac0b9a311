import Foundation
import Hummingbird
import KinexusEvents
import KinexusServiceKit

/// The request's JSON body (at most 256 KB), or the 400 that names what is wrong with it. An empty body
/// means `empty` when one is given.
func decodeBody<Input: Decodable>(_ type: Input.Type, _ request: Request, emptyMeans empty: Input? = nil) async throws -> Input {
    let body = try await request.body.collect(upTo: 256 * 1024)
    if body.readableBytes == 0, let empty { return empty }
    try refuseNULCharacters(inJSON: body)
    do {
        return try JSONDecoder().decode(Input.self, from: Data(buffer: body))
    } catch {
        throw APIError.badRequest(code: "invalid_body", "invalid body: \(describeDecodingProblem(error))")
    }
}
