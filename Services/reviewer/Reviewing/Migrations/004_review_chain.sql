-- The chain a review belongs to: its decision, made later by a person, continues the same correlation id and trace.
ALTER TABLE docs.reviews ADD COLUMN correlation_id text, ADD COLUMN traceparent text, ADD COLUMN tracestate text;
