-- Platform settings every web process reads (the maintenance mode): one
-- row per key; a key that is not set has no row.
CREATE TABLE settings (
    setting_key TEXT NOT NULL PRIMARY KEY,
    setting_value TEXT NOT NULL
);
