-- The console's ticket list: the newest first.
CREATE INDEX tickets_by_arrival ON support.tickets (received_at DESC, ticket_id);
