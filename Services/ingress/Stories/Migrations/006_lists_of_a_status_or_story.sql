-- The home page's stories ready for code, oldest first, and a story's tasks, newest first: each read from an index
-- in its order, where 100,000 stories or tasks were scanned and sorted (28 ms and 20 ms).
CREATE INDEX stories_ready_for_code ON stories.stories (created_at, story_id) WHERE status IN ('Ready', 'Approved');
CREATE INDEX task_requests_of_story ON stories.task_requests (story_id, submitted_at, task_id);
