/// The `Authorization` header of a Signature Version 4 request:
/// `AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=HEX`.
struct Authorization: Sendable {
    struct Scope: Sendable {
        let date: String
        let region: String
        let service: String
        let terminator: String

        var text: String { [date, region, service, terminator].joined(separator: "/") }
    }

    let accessKeyID: String
    let scope: Scope
    let signedHeaders: [String]
    let signature: String

    init(_ header: String) throws(AWSRefusal) {
        let prefix = SignatureV4.algorithm + " "
        guard header.hasPrefix(prefix) else {
            throw .incompleteSignature("Authorization header must use the \(SignatureV4.algorithm) algorithm.")
        }
        var parameters: [String: String] = [:]
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            parameters[pair[0].trimmingSpaces] = pair[1].trimmingSpaces
        }
        let missing = ["Credential", "SignedHeaders", "Signature"].filter { parameters[$0] == nil }
        guard missing.isEmpty, let credential = parameters["Credential"], let signedHeaders = parameters["SignedHeaders"],
              let signature = parameters["Signature"]
        else {
            throw .incompleteSignature(missing.map { "Authorization header requires '\($0)' parameter." }.joined(separator: " "))
        }
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty else {
            throw .incompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
                + "got '\(credential.prefix(200))'")
        }
        accessKeyID = parts[0]
        scope = Scope(date: parts[1], region: parts[2], service: parts[3], terminator: parts[4])
        self.signedHeaders = signedHeaders.split(separator: ";").map { $0.lowercased() }
        self.signature = signature
    }
}

private extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
