-- +goose Up
-- Accepted uploads, owned by who uploaded them: a dossier, a supplement
-- or a result takes files by upload ID, never by blob hash, so nobody can
-- attach a file they did not upload themselves.
CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    hash         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    pages        INTEGER NOT NULL DEFAULT 0,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX uploads_user ON uploads(user_id, id);

-- +goose Down
DROP TABLE uploads;
