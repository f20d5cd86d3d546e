-- 成德眉资信用数据共享库. Dates are TEXT YYYY-MM-DD, times TEXT via store.Time (UTC),
-- money BIGINT 分. region is the GB/T 2260 code of the owner (county when known, else city).
-- body_json keeps the whole validated engine value (Subject, Record, BlacklistEntry) so that no
-- field of the national 双公示 sets is lost; the columns beside it are what is searched and counted.

-- 市场主体. skey is the natural key: the USCC, or "REG:" + 工商注册号 for a 个体工商户 without a code
-- (17个0加X). uscc_flags keeps the legal exceptions (pilot codes, no-code placeholder).
CREATE TABLE credit_subjects (
	id {{autoid}},
	skey TEXT NOT NULL UNIQUE,
	uscc TEXT NOT NULL,
	uscc_flags INTEGER NOT NULL DEFAULT 0,
	reg_no TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL,
	stype TEXT NOT NULL,
	legal_rep TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL,
	city TEXT NOT NULL,
	county TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	industry TEXT NOT NULL DEFAULT '',
	established_on TEXT NOT NULL DEFAULT '',
	approved_on TEXT NOT NULL DEFAULT '',
	batch_id BIGINT NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX credit_subjects_legal_rep ON credit_subjects (legal_rep);
CREATE INDEX credit_subjects_city ON credit_subjects (city, stype);

-- 行政管理信息 (9 types). Natural key: type + decision document number.
-- public_end: first day the record leaves public view ('' = never); repaired_on: the day an approved
-- credit repair ended its publication early (never touched by re-imports). submitted_on: the day the
-- library first received it (报送日期), kept on re-import.
CREATE TABLE credit_records (
	id {{autoid}},
	rtype TEXT NOT NULL,
	doc_no TEXT NOT NULL,
	party_name TEXT NOT NULL,
	party_category TEXT NOT NULL,
	uscc TEXT NOT NULL DEFAULT '',
	reg_no TEXT NOT NULL DEFAULT '',
	id_no TEXT NOT NULL DEFAULT '',
	decision_date TEXT NOT NULL,
	authority TEXT NOT NULL,
	source_unit TEXT NOT NULL,
	region TEXT NOT NULL,
	city TEXT NOT NULL,
	severity TEXT NOT NULL DEFAULT '',
	violation_type TEXT NOT NULL DEFAULT '',
	fine_fen BIGINT NOT NULL DEFAULT 0,
	public_end TEXT NOT NULL DEFAULT '',
	repaired_on TEXT NOT NULL DEFAULT '',
	filled INTEGER NOT NULL DEFAULT 0,
	required INTEGER NOT NULL DEFAULT 0,
	body_json TEXT NOT NULL,
	submitted_on TEXT NOT NULL,
	batch_id BIGINT NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (rtype, doc_no)
);
CREATE INDEX credit_records_uscc ON credit_records (uscc, rtype, decision_date);
CREATE INDEX credit_records_id_no ON credit_records (id_no, rtype, decision_date);
CREATE INDEX credit_records_submitted ON credit_records (submitted_on);

-- 严重失信主体名单. Natural key: list type + decision document number. Removal is recorded, never deleted;
-- repaired_on is the day an approved credit repair removed the entry (never touched by re-imports).
CREATE TABLE credit_blacklist (
	id {{autoid}},
	list_type TEXT NOT NULL,
	doc_no TEXT NOT NULL,
	uscc TEXT NOT NULL,
	subject_name TEXT NOT NULL,
	deciding_unit TEXT NOT NULL,
	listed_on TEXT NOT NULL,
	planned_removal_on TEXT NOT NULL DEFAULT '',
	removed_on TEXT NOT NULL DEFAULT '',
	repaired_on TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL,
	city TEXT NOT NULL,
	body_json TEXT NOT NULL,
	batch_id BIGINT NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (list_type, doc_no)
);
CREATE INDEX credit_blacklist_uscc ON credit_blacklist (uscc);

-- 信用修复申请 for a blacklist entry or an adverse record (target_key = its natural key).
-- target_type: blacklist or record; target_id: its id. Steps are kept in body_json (RepairApplication).
CREATE TABLE credit_repairs (
	id {{autoid}},
	target_type TEXT NOT NULL,
	target_id BIGINT NOT NULL,
	target_key TEXT NOT NULL,
	applicant TEXT NOT NULL,
	state TEXT NOT NULL,
	region TEXT NOT NULL,
	body_json TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX credit_repairs_target ON credit_repairs (target_key);

-- 导入批次. file_hash + kind is the natural key: re-importing the same file reuses its batch, so
-- the rejected rows are not counted twice and an interrupted import is completed by a re-run.
CREATE TABLE credit_batches (
	id {{autoid}},
	kind TEXT NOT NULL,
	file_hash TEXT NOT NULL,
	file_name TEXT NOT NULL,
	format TEXT NOT NULL DEFAULT '',
	encoding TEXT NOT NULL DEFAULT '',
	rows_read INTEGER NOT NULL DEFAULT 0,
	accepted INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	region TEXT NOT NULL,
	user_id BIGINT NOT NULL DEFAULT 0,
	username TEXT NOT NULL DEFAULT '',
	started_at TEXT NOT NULL,
	finished_at TEXT NOT NULL DEFAULT '',
	UNIQUE (kind, file_hash)
);

-- 导入拒收行: line, field and reason of each problem; city/source_unit/rtype as far as the row says,
-- for the bulletin's rejection rate.
CREATE TABLE credit_rejects (
	id {{autoid}},
	batch_id BIGINT NOT NULL,
	line INTEGER NOT NULL,
	field TEXT NOT NULL,
	reason TEXT NOT NULL,
	rtype TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '',
	source_unit TEXT NOT NULL DEFAULT '',
	submitted_on TEXT NOT NULL,
	region TEXT NOT NULL,
	UNIQUE (batch_id, line, field, reason)
);
CREATE INDEX credit_rejects_submitted ON credit_rejects (submitted_on);
