// Package pades signs PDF documents with CMS signatures added by
// incremental update, and verifies every signature of a PDF.
//
// # Signing
//
// Sign uses github.com/digitorus/pdfsign (pinned version, see go.mod) with
// SHA-256 and RSA or ECDSA keys. Levels reached:
//   - no TSA URL: CMS with signing-certificate-v2 and signing-time
//     attributes and the chain (the content of PAdES B-B);
//   - TSA URL: plus an RFC 3161 signature timestamp as an unsigned
//     attribute (the content of PAdES B-T);
//   - CRLs/OCSP responses given: embedded in the Adobe
//     revocationInfoArchival signed attribute ("LTV" for PKCS#7), which
//     Verify reads. This alone is not PAdES B-LT;
//   - then CollectDSS and AddDSS: the chains of every signature and of its
//     timestamp authority, CRLs and OCSP responses in a Document Security
//     Store (/DSS, with one /VRI entry per signature) added by incremental
//     update (the content of PAdES B-LT). No document timestamp yet (no
//     B-LTA).
//
// AddDSS writes stream objects, a /DSS dictionary merged with an existing
// one, the catalog under its own object number with its other keys copied
// (references stay references) and a cross-reference section of the same
// kind as the file's last one, table or stream. It refuses encrypted
// files.
//
// The library writes SubFilter adbe.pkcs7.detached (not
// ETSI.CAdES.detached): strict PAdES validators (EU DSS) classify the
// signatures as PKCS#7 with CAdES attributes. It reads the whole input into
// memory. The visible appearance is always an image (the library's own
// text uses an unembedded Times font that cannot show Vietnamese):
// RenderAppearance draws the signer's name, position, organisation and time
// with Liberation Serif; callers may pass their own image (signature or
// seal, transparent PNG). Dictionary text (/Name, /Reason, /Location) is
// transliterated to ASCII because non-ASCII text corrupts the dictionary at
// the pinned version; the certificate carries the Vietnamese name.
//
// Approval signatures are used for everyone (person first, then the
// organisation), so later signatures keep earlier ones valid.
//
// # Verifying
//
// Verify reads at most MaxSize bytes into memory and, for each signature
// dictionary found in uncompressed objects:
//   - refuses a ByteRange that does not start at 0, exclude exactly the
//     /Contents hex string of its own dictionary, and stay inside the file;
//   - recomputes the digest over the ByteRange and compares it to the
//     signed messageDigest, then checks the signature value itself;
//   - reads the signer (CN, O, OU = agency code, title) from the
//     certificate;
//   - verifies the RFC 3161 timestamp (token signature, imprint over the
//     signature value, TSA chained to Roots with the timeStamping EKU) and
//     uses its genTime as signing time, else the claimed signing time (and
//     says so);
//   - chains the certificate to Roots at that time (intermediates from the
//     CMS and the last revision's /DSS, at most 10 certificates);
//   - checks revocation of every certificate of the chain but the root in
//     the CRLs given and those embedded (CMS and /DSS, CRL and OCSP);
//   - tells what was appended after the signature: nothing, only later
//     signatures (each revision checked to add only what signing needs),
//     only validation data (revisions that add new objects and change
//     nothing in the catalog but /DSS, with cross-reference entries
//     pointing only at their own objects), or other changes;
//   - gives the level reached: B-B, B-T with a trusted timestamp, B-LT when
//     the signer certificate's revocation status also comes from the /DSS
//     (the timestamp authority's own revocation data is not required).
//
// Each signature gets one verdict (Valid, Invalid, Indeterminate) with a
// sentence in Vietnamese and English; Report.ExitStatus gives 0/1/2/3.
//
// Verdict rules: digest, byte range or signature value wrong, certificate
// revoked before the signing time, or not valid at a timestamped signing
// time: Invalid. Untrusted root, expired now without a timestamp, revoked
// after the claimed time without a timestamp, no revocation data when
// RequireRevocation is set: Indeterminate. Revoked after a timestamped
// signing time, or expired now with a timestamp: Valid with a note.
package pades
