package pki

import "crypto"

// SignerKey returns the key inside a software signer, for tests that
// check how keys are stored.
func SignerKey(s Signer) crypto.Signer { return s.(*softSigner).Signer }

// LimitPKCS12Iterations lowers the iteration limit (for fuzzing, where
// counts near the limit only cost time) and returns a restore function.
func LimitPKCS12Iterations(n int64) (restore func()) {
	old := maxPKCS12Iterations
	maxPKCS12Iterations = n
	return func() { maxPKCS12Iterations = old }
}
