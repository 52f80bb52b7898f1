// Signs a PDF with @signpdf (node-forge), an implementation independent of
// ours, for the pades package's tests.
//
// Usage: node sign.js in.pdf out.pdf key.p12 password
//
// The placeholder is added by @signpdf/placeholder-plain as an incremental
// update (SubFilter adbe.pkcs7.detached); the CMS is made by
// @signpdf/signer-p12: SHA-256, RSA, signed attributes contentType,
// signingTime and messageDigest, every certificate of the PKCS#12 embedded,
// no timestamp.
'use strict';

const fs = require('fs');
const { SignPdf } = require('@signpdf/signpdf');
const { P12Signer } = require('@signpdf/signer-p12');
const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');

async function main() {
  const args = process.argv.slice(2);
  if (args.length !== 4) {
    throw new Error('usage: node sign.js in.pdf out.pdf key.p12 password');
  }
  const [inPath, outPath, p12Path, password] = args;
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: fs.readFileSync(inPath),
    reason: 'Independent signer test',
    contactInfo: 'nghia@example.gov.vn',
    name: 'Nguyen Thi Nghia',
    location: 'Ha Noi',
  });
  const signer = new P12Signer(fs.readFileSync(p12Path), { passphrase: password });
  const signed = await new SignPdf().sign(withPlaceholder, signer);
  fs.writeFileSync(outPath, signed);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
