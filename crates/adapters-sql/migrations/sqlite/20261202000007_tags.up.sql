-- The territories' étiquettes (tags). Which cases carry a tag stays in the
-- case's own data (`Signalement::tags`), its one source of truth; this
-- table keeps the tags themselves. Deleting a tag archives it, as the
-- reference platform does: `label_key` (the folded label) is NULL once
-- archived, so a live label is unique per territory and an archived one
-- frees it.
CREATE TABLE tags (
    id TEXT NOT NULL PRIMARY KEY,
    territory TEXT NOT NULL,
    label TEXT NOT NULL,
    label_key TEXT NULL,
    is_archive INTEGER NOT NULL,
    CONSTRAINT fk_tags_territory FOREIGN KEY (territory) REFERENCES territories (code)
);
CREATE UNIQUE INDEX uq_tags_label ON tags (territory, label_key);
CREATE INDEX idx_tags_territory ON tags (territory, is_archive);
