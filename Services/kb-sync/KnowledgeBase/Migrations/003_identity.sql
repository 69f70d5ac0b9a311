-- Names this knowledge base: a graph of its embeddings saved to disk (EmbeddingIndex) is restored only into the
-- database it was built from, not into one recreated or restored from elsewhere with the same chunk ids.
CREATE TABLE kb.identity (instance uuid PRIMARY KEY DEFAULT gen_random_uuid());
INSERT INTO kb.identity DEFAULT VALUES;
