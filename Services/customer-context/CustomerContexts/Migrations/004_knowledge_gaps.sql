-- Knowledge gaps: topics of tickets the knowledge base did not answer, each with the tickets that showed it.
CREATE TABLE support.knowledge_gaps (
    gap_id uuid PRIMARY KEY,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'drafting', 'in_review', 'closed', 'reopened')),
    -- The subject and description of the ticket that opened it.
    question text NOT NULL,
    ticket_count integer NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now(),
    -- When a ticket joined it after its article was published: drafting again counts the tickets since.
    reopened_at timestamptz,
    -- Drafts asked for, and what asked for the latest (a ticket that crossed the threshold, or an agent's
    -- request event): its redelivery asks again under the same event id.
    drafts integer NOT NULL DEFAULT 0,
    draft_trigger text,
    -- The article's document once the orchestrator wrote it, and its page once published.
    document_id uuid,
    page_url text,
    published_at timestamptz
);

CREATE INDEX knowledge_gaps_by_document ON support.knowledge_gaps (document_id);

-- The console's list: the largest first.
CREATE INDEX knowledge_gaps_by_size ON support.knowledge_gaps (ticket_count DESC, last_seen DESC, gap_id);

-- A ticket belongs to one gap at most; entries are numbered in the order they were placed (under one lock),
-- so a replica holding the embeddings in memory catches up by number.
CREATE TABLE support.gap_tickets (
    entry_id bigserial PRIMARY KEY,
    ticket_id text NOT NULL UNIQUE REFERENCES support.tickets (ticket_id),
    gap_id uuid NOT NULL REFERENCES support.knowledge_gaps (gap_id),
    reason text NOT NULL CHECK (reason IN ('low_relevance', 'rated_unhelpful')),
    best_relevance double precision NOT NULL,
    -- To the nearest ticket of the gap it joined; null for the ticket that opened it.
    similarity real,
    embedding real[] NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX gap_tickets_by_gap ON support.gap_tickets (gap_id, entry_id);

-- A gap as lists show it: with how many customers its tickets came from, and their tiers.
CREATE VIEW support.gap_summaries AS
SELECT k.gap_id, k.status, k.question, k.ticket_count, k.first_seen, k.last_seen, k.detected_at, k.document_id, k.page_url,
       k.published_at,
       (SELECT count(DISTINCT t.customer_external_id) FROM support.gap_tickets g JOIN support.tickets t USING (ticket_id)
        WHERE g.gap_id = k.gap_id)::int AS customers,
       coalesce((SELECT array_agg(DISTINCT c.tier ORDER BY c.tier) FROM support.gap_tickets g JOIN support.tickets t USING (ticket_id)
                 JOIN support.customers c ON c.external_id = t.customer_external_id WHERE g.gap_id = k.gap_id), '{}') AS tiers
FROM support.knowledge_gaps k;
