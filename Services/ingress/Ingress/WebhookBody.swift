import ChangeIntake
import KinexusEvents
import KinexusJSON
import KinexusServiceKit

/// Reads a webhook body: JSON, then the provider's shape; either failure is a 400 that says what is wrong.
enum WebhookBody {
    static func read<Webhook>(_ body: [UInt8], as make: (JSONValue) throws(InvalidWebhook) -> Webhook) throws(APIError) -> Webhook {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw APIError.badRequest(code: "malformed_json", "the body is not JSON: \(error)")
        }
        if let path = json.pathOfNUL { throw APIError.nulCharacter(in: path) }
        do {
            return try make(json)
        } catch {
            throw APIError.badRequest(code: "wrong_shape", "not the expected webhook: \(error)")
        }
    }
}
