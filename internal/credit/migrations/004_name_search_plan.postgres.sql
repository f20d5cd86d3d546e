-- 名称查询 (PostgreSQL): two settings that keep "name contains" fast at the bulletin's scale.
-- gin_pending_list_limit: new names wait in the GIN index's pending list until it is merged (at this
-- size, by autovacuum, or by the import that stored 50,000 subjects or more), and every contains query
-- reads the whole list: with the default 4 MB (about 500 pages, as an import leaves it) each query
-- read 500 pages more and took 4–8 ms longer. 256 kB keeps that to about 32 pages.
-- STATISTICS 1000 on name: the planner estimates how many names contain the text from a sample of
-- names; with the default 100 it took a text found in 11,000 names for a rare one and read them all
-- through the GIN index (44 ms) instead of walking the subjects in id order until the page is full
-- (3.5 ms), the order the results are shown in. Planning reads the larger sample: about 1–3 ms.
ALTER INDEX credit_subjects_name_trgm SET (gin_pending_list_limit = 256);
ALTER TABLE credit_subjects ALTER COLUMN name SET STATISTICS 1000;
