-- 名称查询的索引 (SQLite).
-- credit_subjects_name: exact name and "name begins with" (a range on the B-tree, bytewise order),
-- also what queries of 1–2 characters use.
-- credit_subjects_fts: "name contains" for queries of 3 characters or more. An FTS5 table with the
-- trigram tokenizer over credit_subjects.name (external content: it keeps only the index, rowid = id);
-- the triggers keep it in step with every insert, update and delete of a subject, so imports,
-- re-imports and corrections need no code of their own.
CREATE INDEX credit_subjects_name ON credit_subjects (name);
CREATE VIRTUAL TABLE credit_subjects_fts USING fts5(name, content='credit_subjects', content_rowid='id', tokenize='trigram', detail='none');
CREATE TRIGGER credit_subjects_fts_ai AFTER INSERT ON credit_subjects BEGIN
	INSERT INTO credit_subjects_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER credit_subjects_fts_ad AFTER DELETE ON credit_subjects BEGIN
	INSERT INTO credit_subjects_fts (credit_subjects_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER credit_subjects_fts_au AFTER UPDATE OF name ON credit_subjects WHEN old.name <> new.name BEGIN
	INSERT INTO credit_subjects_fts (credit_subjects_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO credit_subjects_fts (rowid, name) VALUES (new.id, new.name);
END;
INSERT INTO credit_subjects_fts (credit_subjects_fts) VALUES ('rebuild');
