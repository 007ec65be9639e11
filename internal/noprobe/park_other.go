//go:build !unix

package noprobe

// Restore does nothing: termenv queries the terminal only on Unix.
func Restore() {}
