-- The territories' étiquettes (tags). Which cases carry a tag stays in the
-- case's own data (`Signalement::tags`), its one source of truth; this
-- table keeps the tags themselves. Deleting a tag archives it, as the
-- reference platform does: `label_key` (the folded label) is NULL once
-- archived, so a live label is unique per territory and an archived one
-- frees it.
CREATE TABLE tags (
    id CHAR(36) NOT NULL PRIMARY KEY,
    territory VARCHAR(3) NOT NULL,
    label VARCHAR(255) NOT NULL,
    label_key VARCHAR(255) NULL,
    is_archive BIGINT NOT NULL,
    UNIQUE KEY uq_tags_label (territory, label_key),
    KEY idx_tags_territory (territory, is_archive),
    CONSTRAINT fk_tags_territory FOREIGN KEY (territory) REFERENCES territories (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
