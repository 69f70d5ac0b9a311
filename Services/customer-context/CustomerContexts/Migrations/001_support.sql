-- customer-context's tables: customers and their orders, the tickets received with the response built
-- for each, and the feedback on them.
CREATE SCHEMA IF NOT EXISTS support;

CREATE TABLE support.customers (
    customer_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    external_id text NOT NULL UNIQUE,
    email text,
    name text,
    company text,
    tier text NOT NULL DEFAULT 'basic',
    lifetime_value numeric(14, 2) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE support.orders (
    order_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL REFERENCES support.customers (customer_id) ON DELETE CASCADE,
    order_number text NOT NULL,
    status text NOT NULL,
    total_amount numeric(14, 2) NOT NULL,
    order_date timestamptz NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX orders_by_customer ON support.orders (customer_id, order_date DESC);

CREATE TABLE support.tickets (
    ticket_id text PRIMARY KEY,
    external_ticket_id text,
    customer_external_id text NOT NULL,
    subject text NOT NULL,
    description text NOT NULL,
    channel text NOT NULL,
    priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    metadata jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- The full response (context and suggestions) once built; its event carries only the ticket id.
    response jsonb,
    processing_time_ms integer
);

CREATE INDEX tickets_open_by_customer ON support.tickets (customer_external_id) WHERE status IN ('open', 'pending');

CREATE TABLE support.feedback (
    feedback_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ticket_id text NOT NULL REFERENCES support.tickets (ticket_id),
    rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    helpful boolean NOT NULL,
    comment text,
    suggestion_source text,
    event_id text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
