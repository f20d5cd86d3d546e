-- Chiefs in office (在任): the 驾驶舱's registered chiefs, the home page card, the
-- assessment's patrol compliance and the 河长关系树 leave out the chiefs who have left
-- office (retired_at <> '', migration 015). The indexes they read carry retired_at so
-- that they stay covering: the 驾驶舱 counts by city and level from one index, and the
-- tree walks from a chief to its subordinates in office, in their order (level, region),
-- and counts them from another.
CREATE INDEX river_chiefs_office ON river_chiefs (city, level, region, retired_at);
DROP INDEX river_chiefs_dash;
CREATE INDEX river_chiefs_below ON river_chiefs (parent_id, retired_at, level, region);
DROP INDEX river_chiefs_parent;
