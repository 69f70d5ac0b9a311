-- Feedback in the order the bus carried it: its stream entry's id (milliseconds, sequence), Redis's one clock
-- for every stream. Deliveries handled at once record in any order; an iteration reads its feedback in this one.
ALTER TABLE codegen.feedback
    ADD COLUMN arrived_ms bigint NOT NULL DEFAULT 0,
    ADD COLUMN arrived_seq bigint NOT NULL DEFAULT 0;

DROP INDEX codegen.feedback_queued;
CREATE INDEX feedback_queued ON codegen.feedback (task_id, arrived_ms, arrived_seq) WHERE status = 'queued';
