-- The approver's tables: decisions on reviews, and what approval published (the built-in page store).
CREATE SCHEMA IF NOT EXISTS docs;

CREATE TABLE docs.decisions (
    decision_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    review_id uuid NOT NULL UNIQUE,
    decision text NOT NULL CHECK (decision IN ('approved', 'rejected', 'needs_revision')),
    comment text NOT NULL,
    reviewer text NOT NULL,
    event_id text NOT NULL UNIQUE,
    decided_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE docs.pages (
    slug text PRIMARY KEY,
    document_id uuid NOT NULL UNIQUE,
    title text NOT NULL,
    markdown text NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE docs.publications (
    publication_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id uuid NOT NULL,
    version integer NOT NULL,
    page_id text NOT NULL,
    page_url text NOT NULL,
    event_id text NOT NULL UNIQUE,
    published_at timestamptz NOT NULL DEFAULT now()
);
