-- The problem list keeps the totals it has counted, per filter, with the version of the
-- problems they were counted at, and shows a kept total only while the version has not
-- moved. Every change of a problem's filter columns (a new problem, a transition, a
-- reassignment, a deletion) moves the version inside the changing transaction, whichever
-- server makes it, so a total shown is always what COUNT(*) gives at that moment.
CREATE TABLE river_problems_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n BIGINT NOT NULL
);
INSERT INTO river_problems_version (id, n) VALUES (1, 0);
CREATE FUNCTION river_problems_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE river_problems_version SET n = n + 1 WHERE id = 1;
	RETURN NULL;
END;
$$;
CREATE TRIGGER river_problems_version_change
	AFTER INSERT OR DELETE OR UPDATE OF state, category, river_id, source, city, city2, region, region2, deadline ON river_problems
	FOR EACH STATEMENT EXECUTE FUNCTION river_problems_version_bump();
CREATE TRIGGER river_problems_version_truncate AFTER TRUNCATE ON river_problems
	FOR EACH STATEMENT EXECUTE FUNCTION river_problems_version_bump();
