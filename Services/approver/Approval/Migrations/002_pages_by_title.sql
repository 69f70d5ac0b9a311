-- A page is known by its title, as in Confluence: a document that updates a related page publishes over
-- it. The Jira comment with the page's address is written once per publication.
ALTER TABLE docs.pages DROP CONSTRAINT pages_document_id_key;
ALTER TABLE docs.publications ADD COLUMN ticket_commented_at timestamptz;
