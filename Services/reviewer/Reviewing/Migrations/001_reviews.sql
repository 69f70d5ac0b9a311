-- The reviewer's table: one review per generated version, with the diff a person approves or not.
CREATE SCHEMA IF NOT EXISTS docs;

CREATE TABLE docs.reviews (
    review_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id uuid NOT NULL,
    version integer NOT NULL,
    title text NOT NULL,
    ticket_key text,
    summary text NOT NULL,
    diff_html text NOT NULL,
    -- The DocumentGenerated event it answers: a redelivery finds this review and writes nothing.
    event_id text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, version)
);
