package pades

// Bounds on untrusted input.
const (
	maxChain      = 10  // certificates in a verified chain
	maxCMSCerts   = 50  // certificates carried in one CMS
	maxSignatures = 50  // signatures examined in one file
	maxRevocation = 100 // CRLs plus OCSP responses examined per signature
)
