//go:build !unix

package tokens

import "os/exec"

// killGroupOnCancel: without process groups, exec.CommandContext's default
// (kill the direct child) is the best available.
func killGroupOnCancel(*exec.Cmd) {}
