-- « Signalements à la même adresse » on each case's page: an indexed key
-- (`histologe_ports::list_keys::address_key`: the INSEE code and the folded
-- street address) instead of a LIKE over a whole commune's search text,
-- which read thousands of rows in a big city at a million cases (issue 12).
-- The key folds accents in Rust: `SqlStore::migrate` fills it for the cases
-- written before (NULL: not computed yet; '': the case has none).
ALTER TABLE signalements
    ADD COLUMN address_key VARCHAR(255) NULL,
    ADD KEY idx_signalements_address (address_key, created_at);
