-- Code generation tasks as the ingress accepted them. A task exists, and answers pending, from the moment
-- its id is given out, before the codegen service has seen it; codegen's own tables say how it went.
CREATE TABLE stories.task_requests (
    task_id uuid PRIMARY KEY,
    message text NOT NULL,
    session_id text,
    story_id uuid REFERENCES stories.stories (story_id) ON DELETE SET NULL,
    repository text NOT NULL,
    base_branch text NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX task_requests_submitted ON stories.task_requests (submitted_at);
