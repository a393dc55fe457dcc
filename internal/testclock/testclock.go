// Package testclock is the settable clock that the tests of the portal and
// of the client run the reference portal on (portal.Config.Now): a test
// moves time, to the next code or past an expiry, instead of waiting for it.
package testclock

import (
	"sync"
	"time"

	"github.com/partnersecurity/partnersecurity/internal/rfc6238"
)

// Epoch is the time a new Clock shows: 5 s into a time step.
var Epoch = time.Date(2026, 3, 2, 9, 0, 5, 0, time.UTC)

// Clock is a settable clock, safe for concurrent use (the portal reads it
// from its request goroutines).
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a Clock at Epoch.
func New() *Clock { return &Clock{t: Epoch} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock d forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// NextStep moves the clock to 5 s into the next time step, so that a new
// code is due: one the replay rule has not seen.
func (c *Clock) NextStep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Truncate(rfc6238.Step).Add(rfc6238.Step + 5*time.Second).UTC()
}
