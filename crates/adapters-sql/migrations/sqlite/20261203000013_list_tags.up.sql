-- The list's étiquette filter (features.md §2.4): the case's tags as
-- `|id|id|` (`histologe_ports::list_keys::tags_key`), "" without any,
-- looked up with INSTR like the suspected procedures.
ALTER TABLE signalements ADD COLUMN tags TEXT NOT NULL DEFAULT '';

-- Rows written before: `["a","b"]` of the stored case becomes `|a|b|`.
UPDATE signalements SET tags = replace(
    replace(replace(replace(replace(replace(
        coalesce(json_extract(data, '$.tags'), '[]'),
        ' ', ''), '"', ''), ',', '|'), '[', '|'), ']', '|'),
    '||', '');
