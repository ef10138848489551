-- Addresses e-mail does not reach (the provider's webhook, or a refusal
-- when sending), one row per lower-cased address while no success
-- followed; and the keys of the provider's events already applied, so
-- that an event delivered twice has one effect.
CREATE TABLE email_delivery_issues (
    email TEXT NOT NULL PRIMARY KEY,
    event TEXT NOT NULL,
    reason TEXT NULL,
    occurred_at INTEGER NOT NULL
);

CREATE TABLE email_delivery_events (
    event_key TEXT NOT NULL PRIMARY KEY,
    received_at INTEGER NOT NULL
);
CREATE INDEX idx_email_delivery_events_received ON email_delivery_events (received_at);
