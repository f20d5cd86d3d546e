-- 一河一档 and the chiefs: the chief hierarchy (河长关系树), the 河长办 staff,
-- outfalls (入河排污口) and the 一河一策 measures with their progress.

-- parent_id: the chief one level up (上级河长, 0 for a provincial chief or when not set);
-- title: the chief's post (职务); place: the township or village of a 乡级/村级 chief,
-- which has no GB/T 2260 code of its own (region stays the county).
ALTER TABLE river_chiefs ADD COLUMN parent_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE river_chiefs ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE river_chiefs ADD COLUMN place TEXT NOT NULL DEFAULT '';
CREATE INDEX river_chiefs_parent ON river_chiefs (parent_id);
CREATE INDEX river_reaches_chief ON river_reaches (chief_id);
CREATE INDEX river_reaches_river ON river_reaches (river_id, region);
CREATE INDEX river_sections_river ON river_sections (river_id);
-- the open problems of each river (一河一档 目录): a range of the open states, river read from the index
CREATE INDEX river_problems_open ON river_problems (state, river_id);

-- The 河长办 (river-chief office) staff of each level and region.
CREATE TABLE river_office_staff (
	id {{autoid}},
	name TEXT NOT NULL,
	level INTEGER NOT NULL,
	region TEXT NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	post TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX river_office_staff_region ON river_office_staff (region, level);

-- 入河排污口. kind: industrial 工业, municipal 城镇污水处理厂, agricultural 农业, other 其他;
-- status: active 在用, fixing 整治中, closed 已封堵; permit: 排污许可证编号 ('' when none).
CREATE TABLE river_outfalls (
	id {{autoid}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	river_id TEXT NOT NULL,
	reach_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL,
	permit TEXT NOT NULL DEFAULT '',
	location TEXT NOT NULL DEFAULT '',
	lat DOUBLE PRECISION NOT NULL DEFAULT 0,
	lon DOUBLE PRECISION NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'active',
	region TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX river_outfalls_river ON river_outfalls (river_id, region);

-- 一河一策 measures of a river in one region (the unit whose 河长办 keeps them up to date).
-- task: one of the six tasks of 河长制; deadline YYYY-MM-DD; progress 0–100 (per cent).
CREATE TABLE river_measures (
	id {{autoid}},
	river_id TEXT NOT NULL,
	region TEXT NOT NULL,
	task TEXT NOT NULL,
	measure TEXT NOT NULL,
	target TEXT NOT NULL,
	unit TEXT NOT NULL,
	deadline TEXT NOT NULL,
	progress INTEGER NOT NULL DEFAULT 0,
	progress_note TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX river_measures_river ON river_measures (river_id, region);
