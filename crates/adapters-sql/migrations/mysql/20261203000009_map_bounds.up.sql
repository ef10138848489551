-- The map of the back-office (features.md §2.9) loads the cases inside
-- its visible rectangle: the case's geolocation in millionths of a degree
-- (`histologe_ports::list_keys::geo_keys`, integers so that no engine
-- compares floating-point numbers), NULL when it was not geolocated.
ALTER TABLE signalements
    ADD COLUMN geo_lat BIGINT NULL,
    ADD COLUMN geo_lng BIGINT NULL;

-- Rows written before.
UPDATE signalements SET
    geo_lat = CASE WHEN ABS(JSON_VALUE(data, '$.adresse.geoloc.lat')) <= 180
                   AND ABS(JSON_VALUE(data, '$.adresse.geoloc.lng')) <= 180
              THEN ROUND(JSON_VALUE(data, '$.adresse.geoloc.lat') * 1000000) END,
    geo_lng = CASE WHEN ABS(JSON_VALUE(data, '$.adresse.geoloc.lat')) <= 180
                   AND ABS(JSON_VALUE(data, '$.adresse.geoloc.lng')) <= 180
              THEN ROUND(JSON_VALUE(data, '$.adresse.geoloc.lng') * 1000000) END;

CREATE INDEX idx_signalements_geo ON signalements (geo_lat, geo_lng);
