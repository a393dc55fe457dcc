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
	graphics    string
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

// SetGraphics records how the window draws ("OpenGL through EGL", say), for
// the support details: a help desk facing a window that draws wrongly on
// some machine can tell what to try. Call it on the UI goroutine.
func (a *App) SetGraphics(desc string) { a.graphics = desc }

// collectSupportDetails measures the portal's clock (off the UI goroutine)
// and calls done on the UI goroutine with the support details as text.
func (a *App) collectSupportDetails(done func(text string)) {
	info := supportInfo{
		version: a.cfg.Version, build: a.cfg.Build,
		platform: runtime.GOOS + "/" + runtime.GOARCH, graphics: a.graphics,
		twoFactor: a.twoFactor, signedIn: a.api != nil, step: a.step, remember: a.remember,
	}
	api := a.api
	if api == nil {
		api = a.lastAPI
	}
	if a.keyring != nil {
		info.keyringNote = a.keyring.text
	}
	a.background(func(ctx context.Context) func() {
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
		info.now = a.now()
		return func() { done(info.text()) }
	})
}

// text formats the details, one fact a line.
func (s supportInfo) text() string {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%-18s %s\n", label+":", value) }
	line("App", fmt.Sprintf("Partner Security %s (build %d)", s.version, s.build))
	line("System", s.platform)
	if s.graphics != "" {
		line("Graphics", s.graphics)
	}
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
	line("Article step", fmt.Sprintf("%d of %d", s.step, len(articleSteps)))
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
