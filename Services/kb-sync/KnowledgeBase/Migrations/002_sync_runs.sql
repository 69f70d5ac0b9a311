-- Full syncs. Requests (jobs) attach to a run: to the queued one when there is one, else to a new queued
-- run; one run at a time executes, so requests made while a sync runs coalesce into the next.
CREATE TABLE kb.sync_runs (
    run_id uuid PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    consumer text,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    sources_indexed integer NOT NULL DEFAULT 0,
    sources_unchanged integer NOT NULL DEFAULT 0,
    sources_deleted integer NOT NULL DEFAULT 0,
    chunks_indexed integer NOT NULL DEFAULT 0,
    error text
);

CREATE TABLE kb.sync_jobs (
    job_id uuid PRIMARY KEY,
    run_id uuid NOT NULL REFERENCES kb.sync_runs (run_id),
    attached_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sync_jobs_run ON kb.sync_jobs (run_id);
