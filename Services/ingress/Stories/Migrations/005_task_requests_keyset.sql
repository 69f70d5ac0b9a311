-- The console's task list pages by (submitted_at, task_id), newest first.
CREATE INDEX task_requests_submitted_and_id ON stories.task_requests (submitted_at, task_id);
DROP INDEX stories.task_requests_submitted;
