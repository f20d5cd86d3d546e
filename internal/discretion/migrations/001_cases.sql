-- 智慧裁量 案件 (penalty-discretion cases). Money in 分 (BIGINT), times UTC text via store.Time,
-- dates YYYY-MM-DD. status: draft 草稿 / pending 待审核 / decided 已决定 / returned 退回.
CREATE TABLE discretion_cases (
	id {{autoid}},
	region TEXT NOT NULL,
	city TEXT NOT NULL,
	status TEXT NOT NULL,
	item_id TEXT NOT NULL,
	item_kind TEXT NOT NULL,
	item_name TEXT NOT NULL,
	party TEXT NOT NULL,
	subject_id TEXT NOT NULL DEFAULT '',
	subject_name TEXT NOT NULL DEFAULT '',
	facts TEXT NOT NULL DEFAULT '',
	act_date TEXT NOT NULL,
	base_kind TEXT NOT NULL DEFAULT '',
	base_fen BIGINT NOT NULL DEFAULT 0,
	tier TEXT NOT NULL,
	legal_min BIGINT NOT NULL DEFAULT 0,
	legal_max BIGINT NOT NULL DEFAULT 0,
	suggested_fen BIGINT NOT NULL DEFAULT 0,
	fine_fen BIGINT NOT NULL DEFAULT 0,
	position BIGINT NOT NULL DEFAULT 0,
	score BIGINT NOT NULL DEFAULT 0,
	similar_n INTEGER NOT NULL DEFAULT 0,
	similar_median BIGINT NOT NULL DEFAULT -1,
	departure BIGINT NOT NULL DEFAULT -1,
	input_json TEXT NOT NULL,
	result_json TEXT NOT NULL,
	officer_id BIGINT NOT NULL DEFAULT 0,
	officer_name TEXT NOT NULL DEFAULT '',
	reviewer_id BIGINT NOT NULL DEFAULT 0,
	reviewer_name TEXT NOT NULL DEFAULT '',
	review_comment TEXT NOT NULL DEFAULT '',
	decided_on TEXT NOT NULL DEFAULT '',
	demo INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- 类案同罚: same item, decided, same tier, base amount in a band.
CREATE INDEX discretion_cases_similar ON discretion_cases (item_id, status, tier, base_fen);
-- lists, newest first: by status and city (review queue), by status (four cities' decided cases), by city
CREATE INDEX discretion_cases_status_city ON discretion_cases (status, city, id);
CREATE INDEX discretion_cases_status_id ON discretion_cases (status, id);
CREATE INDEX discretion_cases_city_id ON discretion_cases (city, id);
-- prior violations of a subject (首违/再犯)
CREATE INDEX discretion_cases_subject ON discretion_cases (subject_id, item_kind, status, decided_on);
-- "my cases"
CREATE INDEX discretion_cases_officer ON discretion_cases (officer_id, id);
-- consistency view: positions of decided cases read from the index alone
CREATE INDEX discretion_cases_positions ON discretion_cases (status, item_id, tier, city, position);
-- 驾驶舱 figures: cases created this year by place, decisions departing from their similar cases
CREATE INDEX discretion_cases_city_created ON discretion_cases (city, created_at);
CREATE INDEX discretion_cases_region_created ON discretion_cases (region, created_at);
CREATE INDEX discretion_cases_created ON discretion_cases (created_at);
CREATE INDEX discretion_cases_departure ON discretion_cases (status, departure);
