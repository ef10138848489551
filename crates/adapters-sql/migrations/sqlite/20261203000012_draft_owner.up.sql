-- Drafts of the professional form (back-office) belong to the agent who
-- began them; public drafts have no owner. "Mes brouillons" lists an
-- agent's drafts in progress, last changed first.
ALTER TABLE drafts ADD COLUMN created_by TEXT NULL REFERENCES users (id);
CREATE INDEX idx_drafts_owner ON drafts (created_by, status, updated_at);
