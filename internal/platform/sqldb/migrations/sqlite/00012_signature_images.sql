-- +goose Up
-- The images a visible signature shows (Decree 30/2020, Appendix I): an
-- agency's registered seal and an official's handwritten signature, as
-- transparent PNGs. The newest row of an owner is the one used; older rows
-- stay, so a document signed earlier can be explained.
CREATE TABLE signature_images (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER REFERENCES agencies(id), -- the seal of this agency
    user_id     INTEGER REFERENCES users(id),    -- or the signature of this official
    png         BLOB NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    CHECK ((agency_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX signature_images_agency ON signature_images(agency_id, id);
CREATE INDEX signature_images_user ON signature_images(user_id, id);

-- +goose Down
DROP TABLE signature_images;
