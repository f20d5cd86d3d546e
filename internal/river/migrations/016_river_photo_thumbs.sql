-- Thumbnails (缩略图) of problem photos, made on upload and stored beside the photo
-- so lists and problem pages load small images; NULL for a photo stored before,
-- whose thumbnail is made on its first request.
ALTER TABLE river_photos ADD COLUMN thumb {{blob}};
ALTER TABLE river_photos ADD COLUMN thumb_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE river_photos ADD COLUMN thumb_height INTEGER NOT NULL DEFAULT 0;
