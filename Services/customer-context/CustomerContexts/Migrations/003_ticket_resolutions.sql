-- How a ticket was answered, as an agent recorded it: the latest resolution stands.
ALTER TABLE support.tickets
    ADD COLUMN resolution text,
    ADD COLUMN resolved_by text,
    ADD COLUMN resolved_at timestamptz;
