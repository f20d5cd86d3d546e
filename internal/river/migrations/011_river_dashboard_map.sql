-- The 驾驶舱's figures by river and by county (and its map) and the average time
-- to close come from one grouped scan of this covering index, in its order,
-- without sorting or reading the table.
CREATE INDEX river_problems_map ON river_problems (state, region, region2, river_id, close_secs);
