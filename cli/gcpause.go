package cli

import (
	"runtime/debug"
	"sync"
	"time"
)

// The package inits of the SDK's dependencies (protobuf registries,
// protovalidate, cel, prometheus) leave about 2.5 MB on the heap before main
// runs. Under the default GOGC that brings two collections during the
// dashboard's start, and on two cores their marking competes with drawing
// the first frame: 8 ms of 60 (BenchmarkFirstFrame). A join allocates about
// 2 MB more before it is in, and collecting meanwhile costs 4-5 ms of a
// 60 ms join (BenchmarkJoinProcess) without lowering its peak RSS.
//
// So Main pauses the collector; a command resumes it as it starts, the
// dashboard once its first frame is out, and join once its connected line
// is out. While paused, a memory limit still collects should a start ever
// allocate far more.
var (
	gcMu     sync.Mutex
	gcResume func() // nil while the collector runs
)

// pauseGC stops the collector until resumeGC.
func pauseGC() {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcResume == nil {
		oldLimit := debug.SetMemoryLimit(pausedGCLimit)
		old := debug.SetGCPercent(-1)
		gcResume = func() {
			debug.SetGCPercent(old)
			debug.SetMemoryLimit(oldLimit)
		}
	}
}

// resumeGC restores the collector's setting; it is safe to call any number
// of times, paused or not.
func resumeGC() {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcResume != nil {
		gcResume()
		gcResume = nil
	}
}

// pausedGCLimit is the heap size at which the collector runs even while
// paused: starts stay far below it.
const pausedGCLimit = 64 << 20

// keepsGCPaused marks a command that resumes the collector itself (see
// resumeGC), in its Annotations.
const keepsGCPaused = "lkdash-keeps-gc-paused"

// firstFrameGC is how long the dashboard keeps the collector paused: its
// first frame is drawn within a frame tick (8 ms) of the program's start,
// and a start allocates a few megabytes at most.
const firstFrameGC = 250 * time.Millisecond
