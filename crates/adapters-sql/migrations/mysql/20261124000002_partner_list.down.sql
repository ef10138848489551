DROP INDEX idx_affectations_list ON affectations;
DROP INDEX idx_affectations_list_status ON affectations;
ALTER TABLE affectations DROP COLUMN signalement_listed, DROP COLUMN signalement_created_at;
