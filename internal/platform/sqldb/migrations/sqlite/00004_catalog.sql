-- +goose Up
-- The catalogue: procedures, workflows and (later) e-forms, each a JSON
-- document with every version kept. A dossier records the versions it
-- started with and reads them from catalog_versions.
CREATE TABLE catalog_items (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, key)
);

CREATE TABLE catalog_versions (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (kind, key, version)
);

-- +goose Down
DROP TABLE catalog_versions;
DROP TABLE catalog_items;
