DROP INDEX idx_signalements_address;
ALTER TABLE signalements DROP COLUMN address_key;
