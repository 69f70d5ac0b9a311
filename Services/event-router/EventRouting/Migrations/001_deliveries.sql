-- Every attempt the event-router made to deliver an event to a rule's target, for the console: what was delivered,
-- what failed and why. Kept seven days (the event-router deletes older rows).
CREATE SCHEMA IF NOT EXISTS routing;

CREATE TABLE routing.deliveries (
    delivery_id bigserial PRIMARY KEY,
    rule_name text NOT NULL,
    target_id text NOT NULL,
    event_id text NOT NULL,
    attempt integer NOT NULL,
    -- delivered, retrying or dead_lettered
    outcome text NOT NULL,
    status_code integer,
    error text,
    duration_ms integer NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX deliveries_by_target ON routing.deliveries (rule_name, target_id, delivery_id DESC);
CREATE INDEX deliveries_by_time ON routing.deliveries (attempted_at);
