-- +goose Up
-- The audit log is append-only and hash-chained. There is one chain per
-- acting agency (plus "system"), so agencies do not serialise on one head.
CREATE TABLE audit_chains (
    chain     TEXT PRIMARY KEY,
    seq       INTEGER NOT NULL,
    head_hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    chain       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    agency_id   INTEGER,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    ip          TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

-- Seals commit to every chain's head at a moment, so that truncating a
-- chain (and its head row) is detected too. Seals chain among themselves.
CREATE TABLE audit_seals (
    id          INTEGER PRIMARY KEY,
    slot        TIMESTAMP NOT NULL UNIQUE,
    sealed_at   TIMESTAMP NOT NULL,
    heads       TEXT NOT NULL,
    prev_digest TEXT NOT NULL,
    digest      TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_seals;
DROP TABLE audit_log;
DROP TABLE audit_chains;
