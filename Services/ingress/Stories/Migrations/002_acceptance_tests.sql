-- A story's acceptance tests, as Given/When/Then steps with a status.
CREATE TABLE stories.acceptance_tests (
    test_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    story_id uuid NOT NULL REFERENCES stories.stories (story_id) ON DELETE CASCADE,
    title text NOT NULL DEFAULT '',
    given_steps text[] NOT NULL DEFAULT '{}',
    when_steps text[] NOT NULL DEFAULT '{}',
    then_steps text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'Draft' CHECK (status IN ('Draft', 'Pass', 'Fail')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX acceptance_tests_story ON stories.acceptance_tests (story_id);
