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
CREATE TRIGGER river_problems_version_insert AFTER INSERT ON river_problems
BEGIN
	UPDATE river_problems_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER river_problems_version_update AFTER UPDATE OF state, category, river_id, source, city, city2, region, region2, deadline ON river_problems
BEGIN
	UPDATE river_problems_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER river_problems_version_delete AFTER DELETE ON river_problems
BEGIN
	UPDATE river_problems_version SET n = n + 1 WHERE id = 1;
END;
