-- The orchestrator's tables: the changes it received, the documents it writes and every version of them.
CREATE SCHEMA IF NOT EXISTS docs;

CREATE TABLE docs.changes (
    change_id text PRIMARY KEY,
    origin text NOT NULL,
    ticket_key text NOT NULL,
    detail jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE docs.documents (
    document_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    origin text NOT NULL,
    ticket_key text NOT NULL,
    title text NOT NULL,
    status text NOT NULL,
    current_version integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (origin, ticket_key)
);

CREATE TABLE docs.document_versions (
    document_id uuid NOT NULL REFERENCES docs.documents (document_id),
    version integer NOT NULL,
    markdown text NOT NULL,
    -- The event that produced this version: a redelivery of it finds the version and writes nothing.
    event_id text NOT NULL UNIQUE,
    change_id text REFERENCES docs.changes (change_id),
    feedback text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version)
);
