-- A document written as an update of an existing page starts from that page: its first review compares
-- against the page as published, not against nothing.
ALTER TABLE docs.documents ADD COLUMN base_markdown text;
