-- Addresses e-mail does not reach (the provider's webhook, or a refusal
-- when sending), one row per lower-cased address while no success
-- followed; and the keys of the provider's events already applied, so
-- that an event delivered twice has one effect.
CREATE TABLE email_delivery_issues (
    email VARCHAR(191) NOT NULL,
    event VARCHAR(40) NOT NULL,
    reason VARCHAR(500) NULL,
    occurred_at BIGINT NOT NULL,
    PRIMARY KEY (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE email_delivery_events (
    event_key VARCHAR(191) NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (event_key),
    KEY idx_email_delivery_events_received (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
