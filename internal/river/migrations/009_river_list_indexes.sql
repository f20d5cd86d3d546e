-- Indexes for the problem list at the bulletin's scale (75,000 problems):
-- counting any combination of state, category, river and source reads one covering
-- index; "newest first" within one state walks (state, id) without sorting.
CREATE INDEX river_problems_filter ON river_problems (state, category, river_id, source, city, city2, deadline, region, region2);
CREATE INDEX river_problems_state_id ON river_problems (state, id);
-- The 驾驶舱's chiefs by city and level read this index only.
CREATE INDEX river_chiefs_dash ON river_chiefs (city, level, region);
