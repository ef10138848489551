ALTER TABLE signalements
    DROP KEY idx_signalements_address,
    DROP COLUMN address_key;
