-- 审计日志：只追加
CREATE TABLE audit_log (
	id {{autoid}},
	at TEXT NOT NULL,
	user_id BIGINT NOT NULL DEFAULT 0,
	username TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	module TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_user ON audit_log(username, at);
CREATE INDEX audit_action ON audit_log(module, action, at);
