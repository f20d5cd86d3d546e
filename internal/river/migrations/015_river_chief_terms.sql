-- Chiefs change over time (河长变更): a chief leaves office (卸任) on a date with a
-- reason; a reach passes from one chief to another. river_reach_terms keeps who held
-- which reach from when to when (任职记录): ended_at '' is the current holder;
-- started_at '' means the holder was entered before the register kept history.
ALTER TABLE river_chiefs ADD COLUMN retired_at TEXT NOT NULL DEFAULT '';
ALTER TABLE river_chiefs ADD COLUMN retire_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE river_reach_terms (
	id {{autoid}},
	reach_id BIGINT NOT NULL,
	chief_id BIGINT NOT NULL,
	region TEXT NOT NULL,
	started_at TEXT NOT NULL DEFAULT '',
	ended_at TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	changed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX river_reach_terms_reach ON river_reach_terms (reach_id, id);
CREATE INDEX river_reach_terms_chief ON river_reach_terms (chief_id, id);

-- the holders at the time of this change open their terms (start unknown)
INSERT INTO river_reach_terms (reach_id, chief_id, region)
	SELECT id, chief_id, region FROM river_reaches WHERE chief_id > 0;
