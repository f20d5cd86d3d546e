-- Covering indexes for the 驾驶舱: its grouped counts and the time to close read the index only.
CREATE INDEX river_problems_dash ON river_problems (city, city2, category, source, state, deadline, region, region2);
CREATE INDEX river_problems_closing ON river_problems (state, region, region2, reported_at, closed_at);
