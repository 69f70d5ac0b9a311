-- The console's review queue: the longest waiting first.
CREATE INDEX reviews_by_age ON docs.reviews (created_at, review_id);
