package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// roundTrips are the HTTP requests of part of the journey, as the app's
// client logs them with -v (one line per call, with its attempts) and as
// the in-process demo portal logs them (one line per request served).
type roundTrips struct {
	// Calls are the client's calls, "POST /login 200", in order.
	Calls []string
	// Attempts counts the client's requests, retries included.
	Attempts int
	// Served counts the requests the portal answered.
	Served int
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

// writeJourneyReport writes the journey's figures to path for make bench
// (bench/run.sh), one "name value" line each: the actions from signed in
// to "Updated" and the HTTP round trips from sign-in to "Updated".
//
//	actions 4
//	action Space on Configure
//	round_trips 4
//	served 4
//	call POST /login 200
func writeJourneyReport(t *testing.T, path string, actions []string, trips roundTrips) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "actions %d\n", len(actions))
	for _, a := range actions {
		fmt.Fprintf(&b, "action %s\n", a)
	}
	fmt.Fprintf(&b, "round_trips %d\nserved %d\n", trips.total(), trips.Served)
	for _, c := range trips.Calls {
		fmt.Fprintf(&b, "call %s\n", c)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
