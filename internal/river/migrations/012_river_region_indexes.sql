-- The problem list filtered to a county (区县, from the user's scope or the 区县 filter)
-- finds its problems by equality on either region column.
CREATE INDEX river_problems_region ON river_problems (region, state, category);
CREATE INDEX river_problems_region2 ON river_problems (region2, state, category);
