-- +goose Up
-- Forms issued with the agency's digital signature (internal/forms): a
-- signed form is a record, so the bytes issued the first time are kept (in
-- the blob store, by hash) and every later download gets the same file.
-- One form per dossier, kind and the history event that issued it.
CREATE TABLE issued_forms (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id),
    kind       TEXT NOT NULL,
    event_id   BIGINT NOT NULL,
    hash       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    signed_by  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (dossier_id, kind, event_id)
);

-- +goose Down
DROP TABLE issued_forms;
