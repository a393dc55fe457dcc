package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// roundTrips are the HTTP requests of part of the journey, as the app's
// client logs them with -v (one line per call, with its attempts) and as
// the in-process demo portal logs them (one line per request served).
type roundTrips struct {
	// Calls are the client's calls, "POST /login 200", in order.
	Calls []string `json:"calls"`
	// Attempts counts the client's requests, retries included.
	Attempts int `json:"attempts"`
	// Served counts the requests the portal answered.
	Served int `json:"served"`
}

// total is the number of round trips: the requests sent, retries included.
func (r roundTrips) total() int { return r.Attempts }

var (
	clientLine = regexp.MustCompile(`msg="portal request( failed)?" method=(\S+) path=(\S+)(?: status=(\d+))?`)
	attempts   = regexp.MustCompile(` attempts=(\d+)`)
	portalLine = regexp.MustCompile(`msg=request component=demo-portal `)
)

// countRoundTrips counts the requests in the app's log lines.
func countRoundTrips(lines []string) roundTrips {
	var r roundTrips
	for _, l := range lines {
		if m := clientLine.FindStringSubmatch(l); m != nil {
			call := m[2] + " " + m[3]
			if m[1] != "" {
				call += " failed"
			} else {
				call += " " + m[4]
			}
			r.Calls = append(r.Calls, call)
			n := 1
			if a := attempts.FindStringSubmatch(l); a != nil {
				n, _ = strconv.Atoi(a[1])
			}
			r.Attempts += n
		}
		if portalLine.MatchString(l) {
			r.Served++
		}
	}
	return r
}

// journeyReport is what make bench reads of a journey.
type journeyReport struct {
	// Actions are the person's actions from signed in to "Updated".
	Actions []string `json:"actions"`
	// RoundTrips are the HTTP requests from sign-in to "Updated".
	RoundTrips roundTrips `json:"round_trips"`
}

// writeJourneyReport writes the report as JSON to path.
func writeJourneyReport(t *testing.T, path string, actions []string, trips roundTrips) {
	t.Helper()
	data, err := json.MarshalIndent(journeyReport{Actions: actions, RoundTrips: trips}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
