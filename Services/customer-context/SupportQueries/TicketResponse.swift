import Foundation
import KnowledgeQueries

/// The response to a ticket, stored with it and shown by `GET /tickets/{id}`.
public struct TicketResponse: Sendable, Codable, Equatable {
    public let ticketID: String
    public let status: String
    public let customerContext: CustomerContext?
    public let kbSuggestions: [KnowledgeRetriever.Hit]
    public let processingTimeMs: Int
    public let correlationID: String

    public init(ticketID: String, status: String, customerContext: CustomerContext?, kbSuggestions: [KnowledgeRetriever.Hit],
                processingTimeMs: Int, correlationID: String) {
        self.ticketID = ticketID
        self.status = status
        self.customerContext = customerContext
        self.kbSuggestions = kbSuggestions
        self.processingTimeMs = processingTimeMs
        self.correlationID = correlationID
    }

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", status, customerContext = "customer_context", kbSuggestions = "kb_suggestions"
        case processingTimeMs = "processing_time_ms", correlationID = "correlation_id"
    }

    /// An unknown customer's context is there, as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ticketID, forKey: .ticketID)
        try container.encode(status, forKey: .status)
        try container.encode(customerContext, forKey: .customerContext)
        try container.encode(kbSuggestions, forKey: .kbSuggestions)
        try container.encode(processingTimeMs, forKey: .processingTimeMs)
        try container.encode(correlationID, forKey: .correlationID)
    }

    /// Reads a stored response, whose dates were written as ISO-8601.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
