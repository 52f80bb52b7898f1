// Command egovprof is egov with net/http/pprof, for benchmarks only: it
// runs exactly what cmd/egov runs and also serves the profiles on
// EGOV_PPROF_ADDR (a loopback address, default 127.0.0.1:6060). Never
// deploy it.
//
//	go build -o /tmp/egovprof ./bench/cmd/egovprof
//	EGOV_PPROF_ADDR=127.0.0.1:6060 /tmp/egovprof
//	go tool pprof -top http://127.0.0.1:6060/debug/pprof/heap
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"

	"egov/internal/app"
)

func main() {
	addr := os.Getenv("EGOV_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintln(os.Stderr, "egovprof: EGOV_PPROF_ADDR must be a loopback address such as 127.0.0.1:6060")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "egovprof:", err)
		os.Exit(1)
	}
	go func() { _ = http.Serve(ln, nil) }()
	os.Exit(app.Main(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}
