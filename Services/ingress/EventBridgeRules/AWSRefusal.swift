/// A request AWS would refuse, as AWS's JSON protocol answers it: `{"__type": …, "message": …}` with the
/// status AWS uses, so the SDKs raise the same exception they would against EventBridge.
public struct AWSRefusal: Error, Equatable, CustomStringConvertible {
    public let type: String
    public let message: String
    public let status: Int

    public init(_ type: String, _ message: String, status: Int = 400) {
        self.type = type
        self.message = message
        self.status = status
    }

    public var description: String { "\(status) \(type): \(message)" }

    public static func validation(_ message: String) -> AWSRefusal {
        AWSRefusal("ValidationException", message)
    }

    public static func notFound(_ message: String) -> AWSRefusal {
        AWSRefusal("ResourceNotFoundException", message)
    }

    public static func invalidPattern(_ message: String) -> AWSRefusal {
        AWSRefusal("InvalidEventPatternException", message)
    }

    public static let missingAuthentication = AWSRefusal("MissingAuthenticationTokenException", "Missing Authentication Token")
    public static let unknownKey = AWSRefusal("UnrecognizedClientException", "The security token included in the request is invalid.")
    public static let signatureMismatch = AWSRefusal(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
            + "and signing method. Consult the service documentation for details.")

    public static func incompleteSignature(_ message: String) -> AWSRefusal {
        AWSRefusal("IncompleteSignatureException", message)
    }

    public static func invalidSignature(_ message: String) -> AWSRefusal {
        AWSRefusal("InvalidSignatureException", message)
    }
}
