-- EventBridge's rules on Kinexus's bus, as the AWS endpoint creates them: rules and their targets, and the API
-- destinations (with the connections that authorize them) the event-router delivers to. Secrets are sealed or
-- references (see SecretBox); `revision` rises with every change, so the event-router sees one by polling a row.
CREATE SCHEMA IF NOT EXISTS rules;

CREATE TABLE rules.connections (
    name text PRIMARY KEY,
    connection_id uuid NOT NULL DEFAULT gen_random_uuid(),
    description text,
    authorization_type text NOT NULL,
    auth_parameters jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rules.api_destinations (
    name text PRIMARY KEY,
    destination_id uuid NOT NULL DEFAULT gen_random_uuid(),
    description text,
    connection_name text NOT NULL REFERENCES rules.connections (name),
    endpoint text NOT NULL,
    http_method text NOT NULL,
    rate_limit_per_second integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rules.rules (
    name text PRIMARY KEY,
    description text,
    event_pattern text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    -- When the rule was last enabled: its targets see the events published from then (or from their own creation).
    enabled_since timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rules.targets (
    rule_name text NOT NULL REFERENCES rules.rules (name) ON DELETE CASCADE,
    target_id text NOT NULL,
    definition jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_name, target_id)
);

CREATE TABLE rules.revision (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    revision bigint NOT NULL
);
INSERT INTO rules.revision (revision) VALUES (0);
