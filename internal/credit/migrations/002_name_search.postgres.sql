-- 名称查询的索引 (PostgreSQL).
-- credit_subjects_name_c / credit_subjects_legal_rep_c: exact value and "begins with" as a range in
-- bytewise ("C") order, the same order as SQLite's, whatever the database's default collation.
-- credit_subjects_name_trgm: "name contains" (ILIKE '%…%') for queries of 3 characters or more, a GIN
-- index of pg_trgm. pg_trgm is a trusted extension: the owner of the database may create it; it is
-- created once in schema public (not in the schema of the tables) so that several schemas of one
-- database share it, and the index names its operator class with the schema the extension really
-- lives in (an administrator may have created it elsewhere before). pg_trgm makes trigrams of
-- Chinese characters only when the database's LC_CTYPE classifies them as letters (C.UTF-8,
-- zh_CN.UTF-8, en_US.UTF-8 do; plain C does not: there the search stays right but scans).
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX credit_subjects_name_c ON credit_subjects (name COLLATE "C", id);
DROP INDEX credit_subjects_legal_rep;
CREATE INDEX credit_subjects_legal_rep_c ON credit_subjects (legal_rep COLLATE "C", id);
DO $$
BEGIN
	EXECUTE format('CREATE INDEX credit_subjects_name_trgm ON credit_subjects USING gin (name %I.gin_trgm_ops)',
		(SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'));
END
$$;
