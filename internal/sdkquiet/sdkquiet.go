// Package sdkquiet silences the LiveKit Go SDK's package-wide logger, which
// pion's WebRTC logging uses regardless of per-room loggers and which would
// otherwise write to stderr under the terminal UI. Every lkdash package that
// drives the SDK calls Silence before its first SDK call, so the logger is
// set once, before any SDK goroutine reads it.
package sdkquiet

import (
	"sync"

	"github.com/go-logr/logr"
	protoLogger "github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
)

var once sync.Once

// Silence installs a discarding package-wide SDK logger, once per process.
func Silence() {
	once.Do(func() { lksdk.SetLogger(Discard()) })
}

// Discard is a logger that drops everything, for lksdk.WithLogger.
func Discard() protoLogger.Logger {
	return protoLogger.LogRLogger(logr.Discard())
}
