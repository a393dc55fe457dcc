package testclock

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	c := New()
	if !c.Now().Equal(Epoch) {
		t.Fatalf("a new clock shows %v, want %v", c.Now(), Epoch)
	}
	c.Advance(40 * time.Second) // 09:00:45
	c.NextStep()
	if want := time.Date(2026, 3, 2, 9, 1, 5, 0, time.UTC); !c.Now().Equal(want) {
		t.Errorf("after NextStep the clock shows %v, want %v", c.Now(), want)
	}
	c.NextStep()
	if want := time.Date(2026, 3, 2, 9, 1, 35, 0, time.UTC); !c.Now().Equal(want) {
		t.Errorf("after a second NextStep the clock shows %v, want %v", c.Now(), want)
	}
}
