-- How long each closed problem took from report to closure, in seconds, kept with the
-- problem so the 驾驶舱's average time to close sums one indexed column instead of
-- reading and parsing two timestamps of every closed problem.
ALTER TABLE river_problems ADD COLUMN close_secs BIGINT NOT NULL DEFAULT 0;
UPDATE river_problems SET close_secs = CAST(ROUND((julianday(closed_at) - julianday(reported_at)) * 86400) AS INTEGER)
	WHERE closed_at <> '' AND reported_at <> '';
DROP INDEX river_problems_closing;
CREATE INDEX river_problems_closing ON river_problems (state, region, region2, close_secs);
