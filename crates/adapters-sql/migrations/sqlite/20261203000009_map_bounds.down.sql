DROP INDEX idx_signalements_geo;
ALTER TABLE signalements DROP COLUMN geo_lat;
ALTER TABLE signalements DROP COLUMN geo_lng;
