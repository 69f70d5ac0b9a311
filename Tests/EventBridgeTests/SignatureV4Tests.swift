@testable import EventBridgeRules
import Foundation
import KinexusSettings
import Testing

/// Signature Version 4 as the ingress checks it, against requests signed by AWS's own code.
struct SignatureV4Tests {
    static let credentials = AWSCredentials(secrets: ["KXEXAMPLEKEY": "secret/EXAMPLE+key"])
    static let verifier = SignatureV4(credentials: credentials, service: "events")
    static let signedAt = SignatureV4.parseDate("20261206T225038Z") ?? Date()

    /// A PutEvents request signed by botocore 1.44 (`SigV4Auth(...).add_auth`) for `http://127.0.0.1:8080/aws/events/`.
    static func botocoreRequest(body: String = #"{"Entries": [{"Source": "acme.orders", "DetailType": "OrderPlaced", "Detail": "{\"id\": 1}"}]}"#,
                                signature: String = "4ab27e84edc01a5c881ab58d2a37415f67828b84390ba66e5f6b5a1d600ee91f",
                                extra: [(name: String, value: String)] = []) -> SignatureV4.Request {
        SignatureV4.Request(method: "POST", path: "/aws/events/", query: "", headers: [
            ("X-Amz-Target", "AWSEvents.PutEvents"), ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Date", "20261206T225038Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=KXEXAMPLEKEY/20261206/us-east-1/events/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=\(signature)"),
            ("host", "127.0.0.1:8080"),
        ] + extra, body: Array(body.utf8))
    }

    @Test func aRequestSignedByBotocoreIsAccepted() throws {
        #expect(try Self.verifier.verify(Self.botocoreRequest(), now: Self.signedAt) == "KXEXAMPLEKEY")
    }

    @Test func awsTestSuiteVectorGetVanillaMatches() {
        let request = SignatureV4.Request(method: "GET", path: "/", query: "", headers: [
            ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"),
        ], body: [])
        let scope = Authorization.Scope(date: "20150830", region: "us-east-1", service: "service", terminator: "aws4_request")
        #expect(SignatureV4.signature(of: request, signedHeaders: ["host", "x-amz-date"], amzDate: "20150830T123600Z", scope: scope,
                                      secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func aChangedBodyOrSignatureIsRefusedAsAWSRefusesIt() {
        #expect(throws: AWSRefusal.signatureMismatch) {
            try Self.verifier.verify(Self.botocoreRequest(body: #"{"Entries": []}"#), now: Self.signedAt)
        }
        #expect(throws: AWSRefusal.signatureMismatch) {
            try Self.verifier.verify(Self.botocoreRequest(signature: String(repeating: "0", count: 64)), now: Self.signedAt)
        }
    }

    @Test func anUnknownKeyOrATemporaryTokenIsUnrecognized() {
        let other = SignatureV4(credentials: AWSCredentials(secrets: ["SOMEONEELSE": "x"]), service: "events")
        #expect(throws: AWSRefusal.unknownKey) { try other.verify(Self.botocoreRequest(), now: Self.signedAt) }
        #expect(throws: AWSRefusal.unknownKey) {
            try Self.verifier.verify(Self.botocoreRequest(extra: [("X-Amz-Security-Token", "token")]), now: Self.signedAt)
        }
    }

    @Test func anUnsignedRequestMissesItsToken() {
        var request = Self.botocoreRequest()
        request.headers.removeAll { $0.name == "Authorization" }
        #expect(throws: AWSRefusal.missingAuthentication) { try Self.verifier.verify(request, now: Self.signedAt) }
    }

    @Test func aRequestMoreThanFifteenMinutesOffEitherWayIsRefused() throws {
        #expect(try Self.verifier.verify(Self.botocoreRequest(), now: Self.signedAt + 14 * 60) == "KXEXAMPLEKEY")
        let late = #expect(throws: AWSRefusal.self) { try Self.verifier.verify(Self.botocoreRequest(), now: Self.signedAt + 16 * 60) }
        #expect(late?.type == "InvalidSignatureException")
        #expect(late?.message == "Signature expired: 20261206T225038Z is now earlier than 20261206T225138Z (20261206T230638Z - 15 min.)")
        let early = #expect(throws: AWSRefusal.self) { try Self.verifier.verify(Self.botocoreRequest(), now: Self.signedAt - 16 * 60) }
        #expect(early?.message.hasPrefix("Signature not yet current: 20261206T225038Z is still later than") == true)
    }

    @Test func aSignatureForAnotherServiceIsRefused() {
        let lambda = SignatureV4(credentials: Self.credentials, service: "lambda")
        let refusal = #expect(throws: AWSRefusal.self) { try lambda.verify(Self.botocoreRequest(), now: Self.signedAt) }
        #expect(refusal?.message == "Credential should be scoped to correct service: 'lambda'.")
    }

    @Test func aMalformedAuthorizationIsIncomplete() {
        var request = Self.botocoreRequest()
        request.headers[3] = ("Authorization", "AWS4-HMAC-SHA256 Credential=KXEXAMPLEKEY/20261206/us-east-1/events/aws4_request")
        let refusal = #expect(throws: AWSRefusal.self) { try Self.verifier.verify(request, now: Self.signedAt) }
        #expect(refusal?.type == "IncompleteSignatureException")
        #expect(refusal?.message.contains("'Signature'") == true)
    }

    @Test func theCanonicalURIDropsDotSegmentsAndEncodesAgain() {
        #expect(SignatureV4.canonicalURI("/aws/./events/../events/") == "/aws/events/")
        #expect(SignatureV4.canonicalURI("/a%20b") == "/a%2520b")
        #expect(SignatureV4.canonicalURI("") == "/")
        #expect(SignatureV4.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
    }

    @Test func credentialsAreReadAndTheirSecretsNeverShown() throws {
        let credentials = try AWSCredentials(environment: ["KINEXUS_AWS_CREDENTIALS": "KEYONE:secret-one, KEYTWO:secret:two"])
        #expect(credentials.secret(for: "KEYTWO") == "secret:two")
        #expect(credentials.description == "AWSCredentials(KEYONE:****,KEYTWO:****)")
        #expect(try AWSCredentials(environment: [:]).isEmpty)
        for bad in ["KEYONE", "KEY ONE:secret-one", "KEYONE:secret one", "KEYONE:a,KEYONE:b", "KEYONE:"] {
            let refusal = #expect(throws: InvalidSetting.self) { try AWSCredentials(environment: ["KINEXUS_AWS_CREDENTIALS": bad]) }
            #expect(refusal?.description.contains("secret-one") == false, "\(bad)")
            #expect(refusal?.description.contains("one\"") == false)
        }
    }
}
