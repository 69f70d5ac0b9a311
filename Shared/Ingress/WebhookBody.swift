import ChangeIntake
import KinexusEvents
import KinexusJSON
import KinexusServiceKit

/// Reads a webhook body: JSON, then the provider's shape; either failure is a 400 that says what is wrong.
enum WebhookBody {
    struct Rejected: Error {
        let answer: WebhookAnswer
    }

    static func read<Webhook>(_ body: [UInt8], as make: (JSONValue) throws(InvalidWebhook) -> Webhook) throws(Rejected) -> Webhook {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw Rejected(answer: .error(400, "the body is not JSON: \(error)", code: "malformed_json"))
        }
        if let path = json.pathOfNUL {
            let refusal = APIError.nulCharacter(in: path)
            throw Rejected(answer: .error(400, refusal.message, code: refusal.code))
        }
        do {
            return try make(json)
        } catch {
            throw Rejected(answer: .error(400, "not the expected webhook: \(error)", code: "wrong_shape"))
        }
    }
}
