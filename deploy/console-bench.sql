-- The console benchmark's data (issues 12 and 25): :n each of reviews, stories, tasks and tickets (psql -v n=…), as the
-- services would have written them. Run once the services have created their tables.
INSERT INTO docs.documents (document_id, origin, ticket_key, title, status, current_version)
SELECT md5('doc' || i)::uuid, 'jira', 'BENCH-' || i, 'Benchmark document ' || i, 'in_review', 1 FROM generate_series(1, :n) i;
INSERT INTO docs.document_versions (document_id, version, markdown, event_id)
SELECT md5('doc' || i)::uuid, 1, '# Benchmark document ' || i || E'\n\n' || repeat('A paragraph of the generated page. ', 40)
       || E'\n\n## Usage\n\n' || repeat('- a step of the usage\n', 10), 'bench-version-' || i
FROM generate_series(1, :n) i;
INSERT INTO docs.reviews (review_id, document_id, version, title, ticket_key, summary, diff_html, event_id, created_at)
SELECT md5('review' || i)::uuid, md5('doc' || i)::uuid, 1, 'Benchmark document ' || i, 'BENCH-' || i,
       '14 additions, 0 deletions, 0 changes', '', 'bench-review-' || i, now() - (i || ' minutes')::interval
FROM generate_series(1, :n) i;

-- A fifth of the stories are epics, with four children each.
INSERT INTO stories.stories (story_id, parent_id, title, as_a, i_want, so_that, story_points, status, created_at)
SELECT md5('story' || i)::uuid, NULL, 'Benchmark epic ' || i, 'shopper', 'to find products by name',
       'I buy what I came for', 8, 'Ready', now() - (i || ' seconds')::interval
FROM generate_series(1, :n / 5) i;
INSERT INTO stories.stories (story_id, parent_id, title, as_a, i_want, so_that, story_points, status, created_at)
SELECT md5('story' || i)::uuid, md5('story' || (1 + (i - :n / 5 - 1) / 4))::uuid, 'Benchmark story ' || i, 'shopper',
       'to filter results by price', 'I stay within budget', 3, 'Draft', now() - (i || ' seconds')::interval
FROM generate_series(:n / 5 + 1, :n) i;

INSERT INTO stories.task_requests (task_id, message, story_id, repository, base_branch, submitted_at)
SELECT md5('task' || i)::uuid, 'Implement benchmark story ' || i, md5('story' || (1 + i % :n))::uuid, 'kinexus/workspace', 'main',
       now() - (i || ' seconds')::interval
FROM generate_series(1, :n) i;
INSERT INTO codegen.tasks (task_id, story_id, title, repository, base_branch, branch, status, attempts, run_id, consumer, result,
                           transcript, started_at, finished_at)
SELECT md5('task' || i)::uuid::text, md5('story' || (1 + i % :n))::uuid::text, 'Benchmark story ' || i, 'kinexus/workspace',
       'main', 'kinexus/bench-' || i, 'completed', 1, md5('run' || i)::uuid, 'bench',
       json_build_object('pull_request', json_build_object('url', 'http://localhost:8080/api/codegen/pulls/' || i,
                                                           'files_changed', 2))::jsonb,
       repeat('agent output line' || E'\n', 200), now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval + interval '40 seconds'
FROM generate_series(1, :n) i;

INSERT INTO support.customers (external_id, name, company, tier, lifetime_value)
SELECT 'bench-cust-' || i, 'Customer ' || i, 'Company ' || i, 'pro', 5000 + i FROM generate_series(1, 1000) i;
INSERT INTO support.tickets (ticket_id, customer_external_id, subject, description, channel, priority, created_at, received_at, response)
SELECT 'bench-ticket-' || i, 'bench-cust-' || (1 + i % 1000), 'Benchmark ticket ' || i, 'The export fails with an error.', 'email',
       'medium', now(), now() - (i || ' seconds')::interval,
       json_build_object('ticket_id', 'bench-ticket-' || i, 'status', 'processed', 'processing_time_ms', 12, 'correlation_id', 'c',
           'customer_context', json_build_object('customer_id', md5('c' || i)::uuid, 'external_id', 'bench-cust-' || (1 + i % 1000),
               'name', 'Customer', 'email', null, 'company', 'Company', 'tier', 'pro', 'lifetime_value', 5000, 'total_orders', 3,
               'recent_orders', json_build_array(), 'open_tickets', 1, 'avg_sentiment', -0.2, 'last_interaction', null,
               'is_high_value', false, 'churn_risk', 'medium'),
           'kb_suggestions', json_build_array(json_build_object('content', 'Reset the export token.', 'score', 0.8,
               'source', 'demo/data-export.md', 'metadata', json_build_object('title', 'Data export', 'heading', 'Tokens',
               'kind', 'bucket', 'chunk_id', 1))))::jsonb
FROM generate_series(1, :n) i;
ANALYZE docs.documents, docs.document_versions, docs.reviews, stories.stories, stories.task_requests, codegen.tasks,
        support.customers, support.tickets;
