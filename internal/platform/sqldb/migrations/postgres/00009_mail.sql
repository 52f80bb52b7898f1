-- +goose Up
-- E-mail copies of notifications (internal/mail). A delivery is keyed by
-- the notification it copies: that key is recorded in the transaction that
-- creates the notification, before any attempt, so a retried job never
-- sends a second mail once one is recorded sent.
CREATE TABLE mail_deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id BIGINT NOT NULL UNIQUE REFERENCES notifications(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    dossier_id      BIGINT REFERENCES dossiers(id),
    to_addr         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    -- queued | sent | failed | skipped (the user turned the category off)
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    last_attempt_at TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    message_id      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX mail_deliveries_dossier ON mail_deliveries(dossier_id, id);
-- Failures are few: the desk counts them per receiving unit.
CREATE INDEX mail_deliveries_failed ON mail_deliveries(dossier_id) WHERE status = 'failed';

-- What each user wants by e-mail, per category; no row means yes.
CREATE TABLE mail_preferences (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category   TEXT NOT NULL, -- dossier_status | assigned | deadlines
    email      BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, category)
);

-- +goose Down
DROP TABLE mail_preferences;
DROP TABLE mail_deliveries;
