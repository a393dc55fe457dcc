package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestGCIsPausedForStartupAndResumedAsItWas(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))

	resume := pauseGCForStartup()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GC percent while starting = %d, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != startupMemoryLimit {
		t.Errorf("memory limit while starting = %d, want the %d backstop", l, startupMemoryLimit)
	}
	resume()
	if p := debug.SetGCPercent(-1); p != 70 {
		t.Errorf("GC percent after start-up = %d, want 70 as before", p)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("memory limit after start-up = %d, want none (%d) as before", l, int64(math.MaxInt64))
	}
}
