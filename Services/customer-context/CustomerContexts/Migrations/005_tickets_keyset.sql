-- The console's ticket list pages by (received_at, ticket_id), newest first: one index read backwards, both columns
-- descending, which the mixed order of tickets_by_arrival could not serve.
CREATE INDEX tickets_by_arrival_and_id ON support.tickets (received_at, ticket_id);
DROP INDEX support.tickets_by_arrival;
