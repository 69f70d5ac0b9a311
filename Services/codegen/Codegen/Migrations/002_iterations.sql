-- Iterations: what people say about a task's pull request becomes further commits on its branch.
ALTER TABLE codegen.tasks
    -- The brief, kept for the iterations' TASK.md.
    ADD COLUMN prompt text,
    ADD COLUMN acceptance_tests jsonb NOT NULL DEFAULT '[]',
    -- The request's chain, which feedback and iterations continue.
    ADD COLUMN correlation_id text,
    ADD COLUMN traceparent text,
    ADD COLUMN tracestate text,
    -- The iteration limit was reached: a person takes over, and Kinexus says so once on the pull request.
    ADD COLUMN handed_over_at timestamptz,
    ADD COLUMN hand_over_answered boolean NOT NULL DEFAULT false;

-- Every piece of feedback received, once (keyed on its event), until an iteration takes it.
CREATE TABLE codegen.feedback (
    event_id text PRIMARY KEY,
    task_id text NOT NULL REFERENCES codegen.tasks (task_id) ON DELETE CASCADE,
    feedback jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('queued', 'taken', 'refused', 'dropped')),
    iteration integer,
    reason text,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX feedback_queued ON codegen.feedback (task_id, received_at) WHERE status = 'queued';

-- A task's iterations, numbered from 1; at most one of a task is queued or processing at a time.
CREATE TABLE codegen.iterations (
    task_id text NOT NULL REFERENCES codegen.tasks (task_id) ON DELETE CASCADE,
    number integer NOT NULL,
    status text NOT NULL CHECK (status IN ('queued', 'processing', 'pushed', 'unchanged', 'failed', 'dropped')),
    feedback jsonb NOT NULL,
    -- The run that owns the iteration now, as for tasks.
    run_id uuid,
    consumer text,
    attempts integer NOT NULL DEFAULT 0,
    commit text,
    diff_stat jsonb,
    -- The comment Kinexus answered with, and where it was posted (nil for a local repository).
    answer text,
    answer_url text,
    transcript text,
    reason text,
    requested_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, number)
);

CREATE UNIQUE INDEX iterations_one_open ON codegen.iterations (task_id) WHERE status IN ('queued', 'processing');
