package client

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// ClockReading is an estimate of how far this computer's clock is from the
// portal's.
type ClockReading struct {
	// Offset is this computer's time minus the portal's: positive when this
	// computer is ahead (the same sign as the portal's
	// clock_offset_seconds for a phone).
	Offset time.Duration
	// Uncertainty bounds the error of Offset: about half a second plus half
	// the round trip for a Date header, half the round trip for a precise
	// measurement.
	Uncertainty time.Duration
	// Precise is true for a measurement through GET /api/v1/time, false
	// for one from a response's Date header (second precision).
	Precise bool
	// At is when the reading was taken (this computer's clock).
	At time.Time
}

// clock keeps the latest reading. A precise reading (MeasureClock) is only
// replaced by another, or by a Date reading once this computer's clock has
// been set since it was taken: a Date has second precision and may be a
// cache's, stale by hours, so it never overrules /time by itself.
type clock struct {
	mu      sync.Mutex
	reading ClockReading
	ok      bool
}

func (c *clock) get() (ClockReading, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reading, c.ok
}

func (c *clock) set(r ClockReading) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.reading.Precise && !r.Precise && !clockSetSince(c.reading.At, time.Now()) {
		return
	}
	c.reading, c.ok = r, true
}

// clockSetSince reports whether this computer's wall clock has been set
// (or the computer slept) between at and now: the time elapsed on the wall
// clock then differs from the monotonic clock's by more than a second.
// Readings without a monotonic clock are never said to be stale.
func clockSetSince(at, now time.Time) bool {
	wall := now.Round(0).Sub(at.Round(0))
	return (wall - now.Sub(at)).Abs() > time.Second
}

// readingFrom estimates the offset from a portal time known to lie in
// [portal, portal+resolution), observed between sent and received.
func readingFrom(portal time.Time, resolution time.Duration, sent, received time.Time, precise bool) ClockReading {
	rtt := max(received.Sub(sent), 0)
	mid := sent.Add(rtt / 2)
	return ClockReading{
		Offset:      mid.Sub(portal.Add(resolution / 2)),
		Uncertainty: rtt/2 + resolution/2,
		Precise:     precise,
		At:          received,
	}
}

// dateReading reads the Date header of an answer, if it has a plausible
// one.
func dateReading(h http.Header, sent, received time.Time) (ClockReading, bool) {
	t, ok := portalDate(h, received)
	if !ok {
		return ClockReading{}, false
	}
	return readingFrom(t, time.Second, sent, received, false), true
}

// portalDate is the answer's Date header, received at received, when it
// has one within maxClockOffset of this computer's clock.
func portalDate(h http.Header, received time.Time) (time.Time, bool) {
	t, err := http.ParseTime(h.Get("Date"))
	return t, err == nil && plausibleOffset(received, t)
}

// maxClockOffset bounds the clock offsets the client believes. It is wide
// enough for a computer whose clock was reset to 1970, and far short of
// the ±292 years where time.Duration saturates: a Date beyond it (year
// 0001, year 9999) is a broken header, not a clock.
const maxClockOffset = 100 * 8766 * time.Hour // 100 years of 365.25 days

// answerTime is the portal's time when it answered: the answer's Date
// header, or received (this computer's clock) when it has none or one
// beyond maxClockOffset. Times the portal sends (an expiry, an HTTP-date
// Retry-After) are on its clock and are compared with this.
func answerTime(h http.Header, received time.Time) time.Time {
	if t, ok := portalDate(h, received); ok {
		return t
	}
	return received
}

// plausibleOffset reports whether local and portal, two readings of the
// same moment, are within maxClockOffset of each other.
func plausibleOffset(local, portal time.Time) bool {
	return !portal.Before(local.Add(-maxClockOffset)) && !portal.After(local.Add(maxClockOffset))
}

// ClockOffset returns the latest estimate of this computer's time minus the
// portal's, and false when no answer has given one yet. It comes from the
// last MeasureClock, or from the Date header of the portal's own answers
// (valid contract JSON; never a redirect, an HTML page or a proxy's error)
// when there is no precise reading or this computer's clock has been set
// since. Offsets beyond 100 years are not believed.
func (c *Client) ClockOffset() (time.Duration, bool) {
	r, ok := c.clock.get()
	return r.Offset, ok
}

// Clock returns the latest clock reading with its precision, and false
// when no answer has given one yet (see ClockOffset).
func (c *Client) Clock() (ClockReading, bool) { return c.clock.get() }

// clockSamples is how many GET /api/v1/time calls MeasureClock makes; it
// keeps the one with the shortest round trip, the most precise.
const clockSamples = 3

// MeasureClock measures the offset precisely through GET /api/v1/time
// (operation getTime), allowing for half the round trip, and makes it the
// client's current reading.
func (c *Client) MeasureClock(ctx context.Context) (ClockReading, error) {
	var best ClockReading
	for i := range clockSamples {
		var pt PortalTime
		a, err := c.call(ctx, http.MethodGet, "/time", nil, nil, &pt)
		if err != nil {
			if i > 0 {
				break // keep the samples already taken
			}
			return ClockReading{}, err
		}
		r := readingFrom(pt.Time, 0, a.sent, a.received, true)
		if i == 0 || r.Uncertainty < best.Uncertainty {
			best = r
		}
	}
	c.clock.set(best)
	return best, nil
}
