-- The ingress's knowledge bucket: markdown and text documents by object key, as an object store holds
-- them, and the full syncs asked for. `IF NOT EXISTS`: databases made before migrations were counted per
-- owner applied this file as the ingress's version 101.
CREATE SCHEMA IF NOT EXISTS bucket;

CREATE TABLE IF NOT EXISTS bucket.objects (
    key text PRIMARY KEY,
    content text NOT NULL,
    content_type text NOT NULL,
    content_hash text NOT NULL,
    size integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS bucket.sync_requests (
    job_id uuid PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now()
);
