-- Overdue escalation (超期升级) and 督办: when the job first flagged a problem
-- overdue, the last 督办 and how many there were. Photos (现场照片 at report,
-- 整改后照片 at 处理反馈) are kept in the database so a backup holds them too.
ALTER TABLE river_problems ADD COLUMN overdue_at TEXT NOT NULL DEFAULT '';
ALTER TABLE river_problems ADD COLUMN supervised_at TEXT NOT NULL DEFAULT '';
ALTER TABLE river_problems ADD COLUMN supervisions INTEGER NOT NULL DEFAULT 0;

-- kind: report (现场照片) or after (整改后照片). data is the checked JPEG or PNG as uploaded.
CREATE TABLE river_photos (
	id {{autoid}},
	problem_id BIGINT NOT NULL,
	kind TEXT NOT NULL,
	content_type TEXT NOT NULL,
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	size BIGINT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	data {{blob}} NOT NULL,
	region TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX river_photos_problem ON river_photos (problem_id, kind, id);
