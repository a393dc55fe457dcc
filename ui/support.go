package ui

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
)

// supportInfo is what "Copy support details" tells the help desk. It holds
// no password, token, secret, code or recovery code: nothing in it could
// sign anyone in.
type supportInfo struct {
	version     string
	build       int
	platform    string
	portalHost  string
	clock       *client.ClockReading
	clockErr    string
	now         time.Time
	twoFactor   *client.TwoFactor
	signedIn    bool
	step        int
	remember    bool
	lastError   client.SupportDetails
	keyringNote string
}

// release names this build of the app: Config's Version and Build.
type release struct {
	version string
	build   int
}

// supportDetails collects "Copy support details": what the help desk needs
// to know of this app, the portal and where the person is, read from the
// parts of the app that know it.
type supportDetails struct {
	env     *env
	release release
	account *accountModel
	// lastClient is the portal client last made, signed in or not: support
	// details name its portal and its last error even when the sign-in
	// failed, which is when the help desk needs them most.
	lastClient func() supportAPI
	// step is the article step showing.
	step func() int
	// keyring says whether the sign-in can be remembered, and the keyring
	// banner's words, if one shows.
	keyring func() (remember bool, note string)
}

// collect measures the portal's clock (off the UI goroutine) and calls done
// on the UI goroutine with the support details as text.
func (d *supportDetails) collect(done func(text string)) {
	acct := d.account.get()
	info := supportInfo{
		version: d.release.version, build: d.release.build,
		platform:  runtime.GOOS + "/" + runtime.GOARCH,
		twoFactor: acct.twoFactor, signedIn: acct.signedIn(), step: d.step(),
	}
	info.remember, info.keyringNote = d.keyring()
	var api supportAPI
	if acct.signedIn() {
		api = acct.client
	} else {
		api = d.lastClient()
	}
	d.env.background(func(ctx context.Context) func() {
		if api != nil {
			info.portalHost = api.Host()
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			r, err := api.MeasureClock(ctx)
			cancel()
			if err != nil {
				info.clockErr = client.CodeOf(err)
				if last, ok := api.Clock(); ok {
					r, err = last, nil
				}
			}
			if err == nil {
				info.clock = &r
			}
			info.lastError = api.SupportDetails()
		}
		info.now = d.env.now()
		return func() { done(info.text()) }
	}, func(error) { done(info.text()) })
}

// text formats the details, one fact a line.
func (s supportInfo) text() string {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%-18s %s\n", label+":", value) }
	line("App", fmt.Sprintf("Partner Security %s (build %d)", s.version, s.build))
	line("System", s.platform)
	if s.portalHost == "" {
		line("Portal", "not chosen yet")
	} else {
		line("Portal", s.portalHost)
	}
	switch {
	case s.clock != nil:
		portal := s.now.Add(-s.clock.Offset).UTC()
		line("Portal time", portal.Format("2006-01-02 15:04:05 MST"))
		line("Clock offset", describeOffset(s.clock.Offset, s.clock.Uncertainty))
	case s.clockErr != "":
		line("Portal time", "unknown ("+s.clockErr+")")
	default:
		line("Portal time", "unknown")
	}
	switch {
	case !s.signedIn:
		line("Two-factor", "unknown (not signed in)")
	case s.twoFactor == nil:
		line("Two-factor", "unknown")
	case s.twoFactor.Configured:
		line("Two-factor", enabledDetail(s.twoFactor))
	default:
		line("Two-factor", "Disabled")
	}
	if s.step == 0 {
		line("Article step", "none (help-desk screens)")
	} else {
		line("Article step", fmt.Sprintf("%d of %d", s.step, len(articleSteps)))
	}
	if !s.remember {
		line("Keyring", "not available; sign-in not remembered")
	} else if s.keyringNote != "" {
		line("Keyring", s.keyringNote)
	}
	if s.lastError.ErrorCode != "" {
		line("Last error", fmt.Sprintf("%s at %s", s.lastError.ErrorCode, s.lastError.ErrorAt.UTC().Format("15:04:05 MST")))
		line("Error request ID", s.lastError.ErrorRequestID)
	} else {
		line("Last error", "none")
	}
	if s.lastError.RequestID != "" {
		line("Last request ID", s.lastError.RequestID)
	}
	return b.String()
}

// describeOffset says how far this computer's clock is from the portal's.
func describeOffset(offset, uncertainty time.Duration) string {
	d := offset.Round(100 * time.Millisecond)
	u := uncertainty.Round(100 * time.Millisecond)
	switch {
	case offset.Abs() <= uncertainty:
		return fmt.Sprintf("this computer agrees with the portal (±%s)", u)
	case offset > 0:
		return fmt.Sprintf("this computer is %s ahead of the portal (±%s)", d, u)
	}
	return fmt.Sprintf("this computer is %s behind the portal (±%s)", d.Abs(), u)
}
