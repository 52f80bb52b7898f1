-- +goose Up
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Agencies and their units form one tree. The surrogate id is the identity;
-- the official code is an attribute that changes with reorganisations.
CREATE TABLE agencies (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id         BIGINT REFERENCES agencies(id),
    kind              TEXT NOT NULL,
    code              TEXT UNIQUE,
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL DEFAULT '',
    admin_unit_code   TEXT,
    receives_dossiers BOOLEAN NOT NULL DEFAULT FALSE,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    merged_into_id    BIGINT REFERENCES agencies(id),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX agencies_parent ON agencies(parent_id);

-- Every code an agency has held, for documents and dossiers issued under it.
CREATE TABLE agency_codes (
    agency_id  BIGINT NOT NULL REFERENCES agencies(id),
    code       TEXT NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to   TIMESTAMPTZ,
    PRIMARY KEY (agency_id, code, valid_from)
);
CREATE INDEX agency_codes_code ON agency_codes(code);

CREATE TABLE users (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username         TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    full_name        TEXT NOT NULL,
    email            TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    personal_id      TEXT UNIQUE,
    enterprise_code  TEXT,
    birth_date       TEXT NOT NULL DEFAULT '',
    password_hash    TEXT NOT NULL DEFAULT '',
    totp_secret      TEXT NOT NULL DEFAULT '',
    totp_enabled_at  TIMESTAMPTZ,
    totp_last_step   BIGINT NOT NULL DEFAULT 0,
    demo             BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_roles (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id)
);
CREATE UNIQUE INDEX user_roles_unique ON user_roles(user_id, role, COALESCE(agency_id, 0));
CREATE INDEX user_roles_agency ON user_roles(agency_id);

CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

-- Server-side sessions, for browser cookies and API bearer tokens alike.
-- Only a hash of the token is stored.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    stage        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed-login counters, shared by every replica.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

-- +goose Down
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE agency_codes;
DROP TABLE agencies;
DROP TABLE meta;
