package standin

import (
	"fmt"
	"os"
	"testing"

	"github.com/lkdash/lkdash/internal/lktest"
)

// The tests run against a real livekit-server, shared by all of them.
var shared = lktest.NewShared("standin")

func TestMain(m *testing.M) {
	// Keep the stand-ins' registry files out of the user's cache.
	regDir, err := os.MkdirTemp("", "lkdash-standin-registry-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	registryDir = func() (string, error) { return regDir, nil }
	code := m.Run()
	os.RemoveAll(regDir)
	shared.Stop(code)
	os.Exit(code)
}
