import Foundation
import KinexusJSON
import SupportRules
import Testing

/// `POST /tickets` bodies: what is accepted, what each field defaults to, and the field named when wrong.
struct TicketSubmissionTests {
    let now = Timestamps.parse("2026-11-22T12:00:00Z")!

    func parse(_ body: JSONValue) -> Result<TicketSubmission, TicketSubmission.InvalidField> {
        TicketSubmission.parse(body, now: now, newID: { "generated" })
    }

    @Test func aFullTicketIsRead() throws {
        let ticket = try parse([
            "ticket_id": "T-1", "external_ticket_id": "ZD-99", "customer_external_id": "cust-7",
            "subject": " Refund please ", "description": "Order 1234 arrived broken.", "channel": "Email",
            "priority": "URGENT", "metadata": ["order": "1234", "items": 2, "vip": true],
            "created_at": "2026-11-22T09:00:00+01:00",
        ]).get()
        #expect(ticket.ticketID == "T-1" && ticket.externalTicketID == "ZD-99" && ticket.customerExternalID == "cust-7")
        #expect(ticket.subject == "Refund please" && ticket.channel == "email" && ticket.priority == "urgent")
        #expect(ticket.metadata == ["order": "1234", "items": "2", "vip": "true"])
        #expect(ticket.createdAt == Timestamps.parse("2026-11-22T08:00:00Z"))
    }

    @Test func defaults() throws {
        let ticket = try parse(["customer_external_id": "cust-7", "subject": "Hello"]).get()
        #expect(ticket.ticketID == "generated" && ticket.priority == "medium" && ticket.channel == "api")
        #expect(ticket.description == "" && ticket.metadata == [:] && ticket.createdAt == now)
    }

    @Test(arguments: [
        (["subject": "x"], "customer_external_id", "is required"),
        (["customer_external_id": "c", "subject": "  "], "subject", "is empty"),
        (["customer_external_id": "c", "subject": "x", "priority": "critical"], "priority", "must be one of low, medium, high, urgent"),
        (["customer_external_id": "c", "subject": "x", "created_at": "2026-11-22T10:00:00"], "created_at",
         "must be an ISO 8601 time with a time zone, such as 2026-11-22T10:00:00Z"),
        (["customer_external_id": "c", "subject": "x", "metadata": ["a": ["b": 1]]], "metadata",
         "values must be strings, numbers or booleans"),
        (["customer_external_id": "c", "subject": "x", "ticket_id": "a b"], "ticket_id", "may hold only letters, digits and . _ : -"),
        (["customer_external_id": 7, "subject": "x"], "customer_external_id", "must be a string"),
        (["customer_external_id": "c", "subject": .string(String(repeating: "s", count: 501))], "subject",
         "is longer than 500 characters"),
        (["customer_external_id": "c", "subject": "x", "channel": "two words"], "channel",
         "must be one word, such as email, chat, phone or web"),
        ([1, 2], "body", "must be a JSON object"),
    ] as [(JSONValue, String, String)])
    func badInputNamesTheField(body: JSONValue, field: String, problem: String) {
        #expect(parse(body) == .failure(TicketSubmission.InvalidField(field: field, problem: problem)))
    }
}
