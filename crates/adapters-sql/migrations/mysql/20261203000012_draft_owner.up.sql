-- Drafts of the professional form (back-office) belong to the agent who
-- began them; public drafts have no owner. "Mes brouillons" lists an
-- agent's drafts in progress, last changed first.
ALTER TABLE drafts
    ADD COLUMN created_by CHAR(36) NULL,
    ADD KEY idx_drafts_owner (created_by, status, updated_at),
    ADD CONSTRAINT fk_drafts_owner FOREIGN KEY (created_by) REFERENCES users (id);
