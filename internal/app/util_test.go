package app_test

import (
	"net/url"
	"strconv"
)

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func urlQuery(s string) string { return url.QueryEscape(s) }
