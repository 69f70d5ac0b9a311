/// What an endpoint's answer means for the event: delivered, worth another attempt (a 5xx, a 429, a timeout, a
/// connection that failed), or refused for good (any other status, retrying would only repeat it).
public enum DeliveryVerdict: Sendable, Equatable {
    case delivered
    case retry
    case refused

    public init(status: Int) {
        switch status {
        case 200...299: self = .delivered
        case 408, 429, 500...599: self = .retry
        default: self = .refused
        }
    }
}
