//go:build race

package ui

// raceEnabled: the race detector slows code ~10x, so absolute timing
// limits are not checked under it (the ratio still is).
const raceEnabled = true
