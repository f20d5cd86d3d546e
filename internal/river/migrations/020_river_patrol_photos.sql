-- Photos taken on a patrol (巡河照片) are kept beside the problem photos, stored with
-- the patrol in its transaction: kind 'patrol', problem_id 0 and the patrol's id here
-- (0 for a problem photo).
ALTER TABLE river_photos ADD COLUMN patrol_id BIGINT NOT NULL DEFAULT 0;
CREATE INDEX river_photos_patrol ON river_photos (patrol_id, id);
