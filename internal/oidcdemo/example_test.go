package oidcdemo_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"egov/internal/oidcdemo"
)

// The provider serves full paths under its issuer's path: mount it on
// Prefix(), without http.StripPrefix, beside the rest of the server.
func ExampleProvider_Prefix() {
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()

	idp, err := oidcdemo.New(oidcdemo.Config{
		Issuer: base + "/demo-idp",
		Clients: []oidcdemo.Client{{
			ID:           "egov-portal",
			Secret:       "change-me",
			RedirectURIs: []string{base + "/auth/callback"},
		}},
		Users: testUsers, // your Authenticator
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle(idp.Prefix(), idp)
	srv.Config.Handler = mux
	srv.Start()
	defer srv.Close()

	resp, err := http.Get(idp.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var meta struct {
		Issuer string `json:"issuer"`
	}
	json.NewDecoder(resp.Body).Decode(&meta)
	fmt.Println(idp.Prefix(), meta.Issuer == idp.Issuer())
	// Output: /demo-idp/ true
}
