// Command lkdash is a terminal dashboard and CLI for LiveKit tokens and rooms.
package main

import (
	"os"

	"github.com/lkdash/lkdash/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
