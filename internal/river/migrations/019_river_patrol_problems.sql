-- The problems a chief found on a patrol (巡河发现问题) and reported with it, stored in
-- the patrol's transaction: their river_problems ids, comma-separated ('' for none).
ALTER TABLE river_patrols ADD COLUMN problems TEXT NOT NULL DEFAULT '';

-- The patrol list (newest start first, optionally inside a period) reads this index in
-- order and stops at its page.
CREATE INDEX river_patrols_started ON river_patrols (started_at);
