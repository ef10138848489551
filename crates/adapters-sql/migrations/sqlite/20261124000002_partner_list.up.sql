-- A partner's back-office list reads its affectations, then their cases:
-- the affectation now carries the two case facts the list filters and
-- sorts on, so the list is read from one index (docs/performance.md, b).
ALTER TABLE affectations ADD COLUMN signalement_created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE affectations ADD COLUMN signalement_listed INTEGER NOT NULL DEFAULT 1;

UPDATE affectations SET
    signalement_created_at = (SELECT s.created_at FROM signalements s WHERE s.id = affectations.signalement_id),
    signalement_listed = (SELECT CASE WHEN s.status IN ('ARCHIVED', 'DRAFT', 'DRAFT_ARCHIVED', 'INJONCTION_BAILLEUR', 'INJONCTION_CLOSED') THEN 0 ELSE 1 END
                          FROM signalements s WHERE s.id = affectations.signalement_id);

CREATE INDEX idx_affectations_list_status ON affectations (partner_id, signalement_listed, status, signalement_created_at, signalement_id);
CREATE INDEX idx_affectations_list ON affectations (partner_id, signalement_listed, signalement_created_at, signalement_id);
