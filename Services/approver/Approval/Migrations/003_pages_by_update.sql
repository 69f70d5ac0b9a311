-- The console's page list pages by (updated_at, slug), newest first.
CREATE INDEX pages_by_update ON docs.pages (updated_at, slug);
