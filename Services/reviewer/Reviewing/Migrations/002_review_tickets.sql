-- The Jira ticket a review is done on, when Jira is configured: Jira comments and transitions on it are
-- decisions on this review.
ALTER TABLE docs.reviews ADD COLUMN review_ticket_key text UNIQUE;
