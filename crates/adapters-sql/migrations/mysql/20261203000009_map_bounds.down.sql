DROP INDEX idx_signalements_geo ON signalements;
ALTER TABLE signalements
    DROP COLUMN geo_lat,
    DROP COLUMN geo_lng;
