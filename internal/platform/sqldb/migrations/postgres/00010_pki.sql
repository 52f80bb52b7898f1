-- +goose Up
-- Keys and certificates (internal/signing/pki). Certificates issued by the
-- built-in CA and certificates imported from PKCS#12 files live together;
-- a private key is stored only sealed under the master key (secretbox),
-- bound to its certificate. Rows are never deleted: a revoked certificate
-- stays for CRLs and OCSP.
CREATE TABLE pki_certificates (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- root | issuing | tsa (the built-in CA), organisation | personal
    -- (signing certificates), external_ca (a CA of an imported chain)
    kind              TEXT NOT NULL,
    serial            TEXT NOT NULL, -- lower-case hex, no leading zeros
    subject           TEXT NOT NULL,
    issuer            TEXT NOT NULL,
    -- the certificate in this table that issued this one (NULL when the
    -- issuer is not stored, and for self-signed roots)
    issuer_id         BIGINT REFERENCES pki_certificates(id),
    agency_id         BIGINT REFERENCES agencies(id),
    user_id           BIGINT REFERENCES users(id),
    not_before        TIMESTAMPTZ NOT NULL,
    not_after         TIMESTAMPTZ NOT NULL,
    der               BYTEA NOT NULL,
    key_enc           TEXT, -- secretbox-sealed PKCS#8; NULL without a key
    revoked_at        TIMESTAMPTZ,
    revocation_reason INTEGER NOT NULL DEFAULT 0, -- RFC 5280 CRLReason
    created_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (issuer, serial)
);
CREATE INDEX pki_certificates_serial ON pki_certificates(serial);
CREATE INDEX pki_certificates_issuer ON pki_certificates(issuer_id, revoked_at);
CREATE INDEX pki_certificates_agency ON pki_certificates(agency_id);
CREATE INDEX pki_certificates_user ON pki_certificates(user_id);
CREATE INDEX pki_certificates_kind ON pki_certificates(kind);

-- The last CRL of each CA of ours, with its number; der is cleared when a
-- certificate of that CA is revoked, so the next fetch issues a new one.
CREATE TABLE pki_crls (
    issuer_id   BIGINT PRIMARY KEY REFERENCES pki_certificates(id),
    number      BIGINT NOT NULL,
    this_update TIMESTAMPTZ NOT NULL,
    next_update TIMESTAMPTZ NOT NULL,
    der         BYTEA
);

-- Roots that verifiers trust, managed by an administrator. The built-in
-- root is added (builtin) only in the embedded default.
CREATE TABLE pki_trust (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256   TEXT NOT NULL UNIQUE, -- hex fingerprint of der
    subject  TEXT NOT NULL,
    der      BYTEA NOT NULL,
    builtin  BOOLEAN NOT NULL DEFAULT FALSE,
    added_by BIGINT REFERENCES users(id),
    added_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE pki_trust;
DROP TABLE pki_crls;
DROP TABLE pki_certificates;
