-- A partner's back-office list reads its affectations, then their cases:
-- filtering and sorting on the case's columns meant reading thousands of
-- case rows (JSON included) to show fifty. The affectation now carries the
-- two case facts the list filters and sorts on, so the list is read from
-- one index (docs/performance.md, query b).
ALTER TABLE affectations
    ADD COLUMN signalement_created_at BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN signalement_listed BIGINT NOT NULL DEFAULT 1;

UPDATE affectations a JOIN signalements s ON s.id = a.signalement_id
SET a.signalement_created_at = s.created_at,
    a.signalement_listed = CASE WHEN s.status IN ('ARCHIVED', 'DRAFT', 'DRAFT_ARCHIVED', 'INJONCTION_BAILLEUR', 'INJONCTION_CLOSED') THEN 0 ELSE 1 END;

CREATE INDEX idx_affectations_list_status ON affectations (partner_id, signalement_listed, status, signalement_created_at, signalement_id);
CREATE INDEX idx_affectations_list ON affectations (partner_id, signalement_listed, signalement_created_at, signalement_id);
