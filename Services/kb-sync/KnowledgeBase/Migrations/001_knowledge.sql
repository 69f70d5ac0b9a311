-- kb-sync's tables: the sources of knowledge (bucket objects, published pages) and their chunks, searchable
-- by full text (tsvector, GIN) and by embedding.
CREATE SCHEMA IF NOT EXISTS kb;

CREATE TABLE kb.sources (
    source_id text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('object', 'page')),
    title text NOT NULL,
    location text NOT NULL,
    -- Of the text and the embedder together: the same text under another embedder is indexed again.
    content_hash text NOT NULL,
    chunk_count integer NOT NULL,
    indexed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kb.chunks (
    chunk_id bigserial PRIMARY KEY,
    source_id text NOT NULL REFERENCES kb.sources (source_id) ON DELETE CASCADE,
    position integer NOT NULL,
    heading text NOT NULL,
    content text NOT NULL,
    search tsvector GENERATED ALWAYS AS (to_tsvector('english', heading || ' ' || content)) STORED,
    embedding real[] NOT NULL
);

CREATE INDEX chunks_search ON kb.chunks USING GIN (search);
CREATE INDEX chunks_source ON kb.chunks (source_id);

-- Bumped by every change to the chunks, so a reader holding embeddings in memory knows to catch up.
CREATE TABLE kb.state (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation bigint NOT NULL
);
INSERT INTO kb.state (generation) VALUES (0);
