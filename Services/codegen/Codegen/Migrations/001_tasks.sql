-- The codegen service's tables: tasks and their runs, the agent sessions running now, pull requests.
CREATE SCHEMA IF NOT EXISTS codegen;

CREATE TABLE codegen.tasks (
    task_id text PRIMARY KEY,
    story_id text,
    title text NOT NULL,
    repository text NOT NULL,
    base_branch text NOT NULL,
    branch text NOT NULL,
    status text NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    -- The run that owns the task now: a run that lost it (its replica stalled past its lease) cannot finish it.
    run_id uuid NOT NULL,
    consumer text NOT NULL,
    result jsonb,
    error text,
    transcript text,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per agent running now, refreshed while it runs; a row nobody refreshes belongs to a dead replica.
CREATE TABLE codegen.sessions (
    run_id uuid PRIMARY KEY,
    task_id text NOT NULL REFERENCES codegen.tasks (task_id) ON DELETE CASCADE,
    consumer text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_task ON codegen.sessions (task_id);

CREATE TABLE codegen.pull_requests (
    number bigserial PRIMARY KEY,
    task_id text NOT NULL UNIQUE REFERENCES codegen.tasks (task_id),
    repository text NOT NULL,
    branch text NOT NULL,
    base_branch text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    url text,
    external_number integer,
    files text[] NOT NULL,
    files_changed integer NOT NULL,
    insertions integer NOT NULL,
    deletions integer NOT NULL,
    diff_stat text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
