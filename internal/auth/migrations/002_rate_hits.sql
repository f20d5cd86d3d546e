-- 限频记录：公开页面（如公众举报）每个来访地址在时间窗内的次数。放在数据库里，
-- 几个 serve 进程共用一个数据库时，限额对它们合计生效。
CREATE TABLE rate_hits (
	bucket TEXT NOT NULL,
	client TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX rate_hits_key ON rate_hits (bucket, client, at);
CREATE INDEX rate_hits_at ON rate_hits (at);
