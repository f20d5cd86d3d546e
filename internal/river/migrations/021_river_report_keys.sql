-- Idempotency keys of problem reports (上报幂等键): a city's system that sends a report
-- again after a timeout names it with the same Idempotency-Key header, and the problem
-- the first request stored comes back instead of a second one. A key belongs to the
-- account that sent it ('u:' and the account's id) or to the public report API
-- ('public'); the primary key is what lets only one of two identical requests sent at
-- the same moment store the problem. fingerprint is the SHA-256 of what was reported,
-- so that the same key with other content can be refused. Keys older than the keeping
-- time (ReportKeyTTL, 7 days) are removed when a new key is stored.
CREATE TABLE river_report_keys (
	owner TEXT NOT NULL,
	idem_key TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	problem_id BIGINT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (owner, idem_key)
);
CREATE INDEX river_report_keys_created ON river_report_keys (created_at);
