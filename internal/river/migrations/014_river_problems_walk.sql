-- The problem list, newest first, for a filter that many problems meet (a whole city, all
-- closed problems, a river): walking this index from the newest id and keeping the
-- problems that match finds a page after a few hundred entries, without reading the table
-- (every filter column is here) and without collecting and sorting every match first.
CREATE INDEX river_problems_walk ON river_problems (id, state, category, river_id, source, city, city2, region, region2, deadline);
