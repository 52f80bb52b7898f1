// Command egov runs the e-government platform; see "egov help".
package main

import (
	"context"
	"os"

	"egov/internal/app"
)

func main() {
	os.Exit(app.Main(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}
