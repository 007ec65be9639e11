package cli

import (
	"errors"
	"fmt"
)

// Exit codes: 0 ok, 1 the operation failed, 2 the command line was wrong,
// 130 interrupted by ctrl+c (128 + SIGINT, as shells report it).
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError marks an error caused by how lkdash was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// silentFailure fails with exit code 1 after the command already said why
// (e.g. decode printed the problems of an invalid token).
var errSilentFailure = errors.New("failed")

// errInterrupted ends the dashboard after ctrl+c, with nothing more to say.
var errInterrupted = errors.New("interrupted")

func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.As(err, &u):
		return exitUsage
	default:
		return exitFailure
	}
}
