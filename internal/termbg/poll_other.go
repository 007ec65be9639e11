//go:build !unix

package termbg

import (
	"os"
	"time"
)

// pollable is false: without poll, Input could not wait for the rest of a
// reply, so NewInput declines and nothing asks.
const pollable = false

func readable(*os.File, time.Duration) bool { return false }
