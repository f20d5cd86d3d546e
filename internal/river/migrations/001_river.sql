-- 河长制 E 平台: rivers, reaches (河段), sections (断面), chiefs (河长), problems (问题)
-- with their history (流转记录), patrols (巡河) and water-quality readings (水质监测).
-- Times are UTC text via store.Time ('' when not set); regions are GB/T 2260 codes.
CREATE TABLE river_rivers (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	basin TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL DEFAULT 'river',
	length_km DOUBLE PRECISION NOT NULL DEFAULT 0,
	region TEXT NOT NULL,
	demo INTEGER NOT NULL DEFAULT 0
);

-- A reach lies in one region; region2 is the second city of a reach on a city border ('' otherwise).
CREATE TABLE river_reaches (
	id {{autoid}},
	code TEXT NOT NULL UNIQUE,
	river_id TEXT NOT NULL,
	name TEXT NOT NULL,
	region TEXT NOT NULL,
	region2 TEXT NOT NULL DEFAULT '',
	chief_id BIGINT NOT NULL DEFAULT 0,
	duties TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX river_reaches_region ON river_reaches (region);

CREATE TABLE river_sections (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	river_id TEXT NOT NULL,
	reach_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL DEFAULT 'monitoring',
	body INTEGER NOT NULL DEFAULT 0,
	target INTEGER NOT NULL DEFAULT 0,
	last_class INTEGER NOT NULL DEFAULT 0,
	region TEXT NOT NULL,
	demo INTEGER NOT NULL DEFAULT 0
);

-- level: 1 省 2 市 3 县 4 乡 5 村. user_id links a platform user (0 when none).
CREATE TABLE river_chiefs (
	id {{autoid}},
	name TEXT NOT NULL,
	level INTEGER NOT NULL,
	region TEXT NOT NULL,
	city TEXT NOT NULL,
	user_id BIGINT NOT NULL DEFAULT 0,
	phone TEXT NOT NULL DEFAULT '',
	demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX river_chiefs_city ON river_chiefs (city, level);
CREATE INDEX river_chiefs_user ON river_chiefs (user_id);

-- Problems. region/city: the reach's owner; region2/city2: the other city of a shared reach.
-- no: the tracking number (受理编号) given to the public. reporter_phone is never shown.
CREATE TABLE river_problems (
	id {{autoid}},
	no TEXT NOT NULL UNIQUE,
	source TEXT NOT NULL,
	category TEXT NOT NULL,
	severity TEXT NOT NULL,
	reach_id BIGINT NOT NULL,
	river_id TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL,
	city TEXT NOT NULL,
	region2 TEXT NOT NULL DEFAULT '',
	city2 TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	level INTEGER NOT NULL DEFAULT 3,
	supervisor INTEGER NOT NULL DEFAULT 0,
	unit TEXT NOT NULL DEFAULT '',
	joint_units TEXT NOT NULL DEFAULT '',
	deadline TEXT NOT NULL DEFAULT '',
	requested_deadline TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL,
	lat DOUBLE PRECISION NOT NULL DEFAULT 0,
	lon DOUBLE PRECISION NOT NULL DEFAULT 0,
	section_id TEXT NOT NULL DEFAULT '',
	reporter_phone TEXT NOT NULL DEFAULT '',
	after_photos TEXT NOT NULL DEFAULT '',
	returns INTEGER NOT NULL DEFAULT 0,
	reported_at TEXT NOT NULL,
	assigned_at TEXT NOT NULL DEFAULT '',
	feedback_at TEXT NOT NULL DEFAULT '',
	checked_at TEXT NOT NULL DEFAULT '',
	closed_at TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL,
	demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX river_problems_city ON river_problems (city, state);
CREATE INDEX river_problems_city2 ON river_problems (city2, state);
CREATE INDEX river_problems_state ON river_problems (state, deadline);
CREATE INDEX river_problems_reach ON river_problems (reach_id);
CREATE INDEX river_problems_section ON river_problems (section_id, state);

CREATE TABLE river_problem_history (
	id {{autoid}},
	problem_id BIGINT NOT NULL,
	at TEXT NOT NULL,
	actor_id TEXT NOT NULL DEFAULT '',
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	from_state TEXT NOT NULL DEFAULT '',
	to_state TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL
);
CREATE INDEX river_problem_history_problem ON river_problem_history (problem_id, id);

CREATE TABLE river_patrols (
	id {{autoid}},
	chief_id BIGINT NOT NULL,
	reach_id BIGINT NOT NULL,
	region TEXT NOT NULL,
	started_at TEXT NOT NULL,
	ended_at TEXT NOT NULL,
	km DOUBLE PRECISION NOT NULL DEFAULT 0,
	points INTEGER NOT NULL DEFAULT 0,
	track TEXT NOT NULL DEFAULT '',
	seen TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX river_patrols_chief ON river_patrols (chief_id, started_at);

-- One reading per section and sampling time; class is the engine's (1 Ⅰ … 6 劣Ⅴ).
CREATE TABLE river_readings (
	id {{autoid}},
	section_id TEXT NOT NULL,
	region TEXT NOT NULL,
	sampled_at TEXT NOT NULL,
	values_json TEXT NOT NULL,
	class INTEGER NOT NULL,
	worst TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	demo INTEGER NOT NULL DEFAULT 0,
	UNIQUE (section_id, sampled_at)
);
