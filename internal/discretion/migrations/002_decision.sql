-- 行政处罚决定 and 双公示: what the 决定书 (行政处罚法 第五十九条) and the credit library's 行政处罚
-- record need besides the engine's input, the 决定书文号 numbered per bureau and year, and the
-- procedural steps 听证 (第六十三条至第六十五条) and 集体讨论 (第五十七条第二款).
ALTER TABLE discretion_cases ADD COLUMN legal_rep TEXT NOT NULL DEFAULT '';
ALTER TABLE discretion_cases ADD COLUMN subject_address TEXT NOT NULL DEFAULT '';
ALTER TABLE discretion_cases ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE discretion_cases ADD COLUMN severity TEXT NOT NULL DEFAULT '';
ALTER TABLE discretion_cases ADD COLUMN confiscated_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE discretion_cases ADD COLUMN authority TEXT NOT NULL DEFAULT '';
ALTER TABLE discretion_cases ADD COLUMN authority_uscc TEXT NOT NULL DEFAULT '';
ALTER TABLE discretion_cases ADD COLUMN decision_no TEXT NOT NULL DEFAULT '';

-- a 决定书文号 is given once: no two cases share one
CREATE UNIQUE INDEX discretion_cases_decision_no ON discretion_cases (decision_no) WHERE decision_no <> '';

-- the last number given per bureau (GB/T 2260 code of the deciding unit) and year; the number is
-- taken in the transaction that decides the case, so a decision that fails gives its number back
CREATE TABLE discretion_decision_seq (
	bureau TEXT NOT NULL,
	seq_year INTEGER NOT NULL,
	last_no BIGINT NOT NULL,
	PRIMARY KEY (bureau, seq_year)
);

-- 听证 and 集体讨论 steps of a case, one of each kind:
-- hearing_notice 告知听证权利, hearing_request 要求听证, hearing_waiver 放弃听证,
-- hearing_record 听证笔录, collective 负责人集体讨论
CREATE TABLE discretion_steps (
	id {{autoid}},
	case_id BIGINT NOT NULL,
	region TEXT NOT NULL,
	kind TEXT NOT NULL,
	on_date TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL DEFAULT '',
	officer_id BIGINT NOT NULL DEFAULT 0,
	officer_name TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX discretion_steps_case_kind ON discretion_steps (case_id, kind);
