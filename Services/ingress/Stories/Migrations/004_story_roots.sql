-- The story tree is listed a page of top-level stories at a time, oldest first.
CREATE INDEX stories_roots ON stories.stories (created_at, story_id) WHERE parent_id IS NULL;
