public enum BusError: Error, Equatable, CustomStringConvertible {
    case overlappingSubscriptions(topic: String)
    case deadLetterNotFound(group: String, id: String)
    case deadLetterIncomplete(group: String, id: String)
    case noSuchGroup(group: String, stream: String)

    public var description: String {
        switch self {
        case .overlappingSubscriptions(let topic):
            "two subscriptions of one service read \(topic); a group delivers each entry once, so combine them with $or"
        case .deadLetterNotFound(let group, let id): "no dead letter \(id) in kinexus:dlq:\(group)"
        case .deadLetterIncomplete(let group, let id):
            "dead letter \(id) in kinexus:dlq:\(group) lacks its envelope or source stream"
        case .noSuchGroup(let group, let stream): "group \(group) does not read \(stream)"
        }
    }
}
