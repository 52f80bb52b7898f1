package oidclogin_test

import (
	"net/url"
	"testing"

	"egov/internal/oidclogin"
)

// FuzzParseCallback: any callback query yields either a code or an error.
func FuzzParseCallback(f *testing.F) {
	rp, err := oidclogin.New(oidclogin.Config{Issuer: "http://idp.test", ClientID: "c", ClientSecret: "s",
		RedirectURL: "http://rp.test/cb"})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"code=a&state=b", "error=access_denied", "iss=http%3A%2F%2Fx&code=a",
		"code=&error=", "%zz", "code=a&code=b&error=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		_, code, err := rp.ParseCallback(q)
		if (code == "") == (err == nil) {
			t.Fatalf("code %q with err %v", code, err)
		}
	})
}
