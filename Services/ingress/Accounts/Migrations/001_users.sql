-- The console's people: who may sign in, with which roles. Names are unique whatever their case.
CREATE SCHEMA IF NOT EXISTS accounts;

CREATE TABLE accounts.users (
    user_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    password_hash text NOT NULL,
    roles text[] NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    -- Raised when the user is disabled or their password reset: every session signed in before it ends.
    session_epoch integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_by_name ON accounts.users (lower(name));
