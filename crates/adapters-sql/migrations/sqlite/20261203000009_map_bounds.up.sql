-- The map of the back-office (features.md §2.9) loads the cases inside
-- its visible rectangle: the case's geolocation in millionths of a degree
-- (`histologe_ports::list_keys::geo_keys`, integers so that no engine
-- compares floating-point numbers), NULL when it was not geolocated.
ALTER TABLE signalements ADD COLUMN geo_lat INTEGER NULL;
ALTER TABLE signalements ADD COLUMN geo_lng INTEGER NULL;

-- Rows written before.
UPDATE signalements SET
    geo_lat = CASE WHEN abs(json_extract(data, '$.adresse.geoloc.lat')) <= 180
                   AND abs(json_extract(data, '$.adresse.geoloc.lng')) <= 180
              THEN CAST(round(json_extract(data, '$.adresse.geoloc.lat') * 1000000) AS INTEGER) END,
    geo_lng = CASE WHEN abs(json_extract(data, '$.adresse.geoloc.lat')) <= 180
                   AND abs(json_extract(data, '$.adresse.geoloc.lng')) <= 180
              THEN CAST(round(json_extract(data, '$.adresse.geoloc.lng') * 1000000) AS INTEGER) END;

CREATE INDEX idx_signalements_geo ON signalements (geo_lat, geo_lng);
