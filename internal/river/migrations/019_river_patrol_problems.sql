-- The problems a chief found on a patrol (巡河发现问题) and reported with it, stored in
-- the patrol's transaction: their river_problems ids, comma-separated ('' for none).
ALTER TABLE river_patrols ADD COLUMN problems TEXT NOT NULL DEFAULT '';
