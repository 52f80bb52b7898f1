-- +goose Up
-- The audit log is append-only and hash-chained. There is one chain per
-- acting agency (plus "system"), so agencies do not serialise on one head.
CREATE TABLE audit_chains (
    chain     TEXT PRIMARY KEY,
    seq       BIGINT NOT NULL,
    head_hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chain       TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    agency_id   BIGINT,
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

CREATE TABLE audit_seals (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slot        TIMESTAMPTZ NOT NULL UNIQUE,
    sealed_at   TIMESTAMPTZ NOT NULL,
    heads       TEXT NOT NULL,
    prev_digest TEXT NOT NULL,
    digest      TEXT NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_seals;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only;
DROP TABLE audit_chains;
