-- The ingress's story tables: the tree of user stories and their acceptance tests.
CREATE SCHEMA IF NOT EXISTS stories;

CREATE TABLE stories.stories (
    story_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id uuid REFERENCES stories.stories (story_id),
    title text NOT NULL CHECK (title <> ''),
    description text NOT NULL DEFAULT '',
    as_a text NOT NULL DEFAULT '',
    i_want text NOT NULL DEFAULT '',
    so_that text NOT NULL DEFAULT '',
    components text[] NOT NULL DEFAULT '{}',
    story_points integer CHECK (story_points >= 0),
    assignee_email text,
    status text NOT NULL DEFAULT 'Draft'
        CHECK (status IN ('Draft', 'Ready', 'In Progress', 'Blocked', 'Approved', 'Done')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX stories_parent ON stories.stories (parent_id);
