package ui

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
)

// sharing is "Share my progress with the help desk": a partner opens a
// support session, reads its code out on the call, and from then on every
// screen change and message reaches the help desk's live view. What is
// shared is fixed fields (the step, the screen's name, the message shown,
// the last error's code and request ID, the clock offset, the app's
// version and system): never a password, code, secret or recovery code.
//
// Its methods run on the UI goroutine; the calls to the portal run off it,
// the progress through a progressOutbox that folds a burst of changes into
// one call.
type sharing struct {
	env     *env
	view    *shareBanner
	release release
	// snapshot returns what the person sees now.
	snapshot func() client.Progress
	// available tells the header and the guide panel whether sharing may
	// start now.
	available func(bool)

	// The session being shared, while there is one.
	api     shareAPI
	session *client.SupportSession
	stop    context.CancelFunc
	outbox  *progressOutbox
	// partner is whether a partner is signed in (who may share).
	partner bool
}

// sharingWaitRetry is how long the app waits after a failed call before it
// asks again whether someone joined, or sends the progress again.
const sharingWaitRetry = 2 * time.Second

// sharingEndTimeout bounds the call that ends sharing as the window closes.
const sharingEndTimeout = 2 * time.Second

// onAccount follows the sign-in: only a signed-in partner may share, and a
// sign-out ends what was shared (signOut has told the portal already).
func (s *sharing) onAccount(a accountState) {
	s.partner = a.signedIn() && a.info != nil && !a.info.Support()
	if !a.signedIn() {
		s.detach()
		s.view.hide()
	}
	s.available(s.partner && !s.active())
}

// active reports whether a session is being shared.
func (s *sharing) active() bool { return s.session != nil }

// start opens a support session with api and shows its code.
func (s *sharing) start(api shareAPI) {
	if s.active() || !s.partner {
		return
	}
	s.available(false)
	s.view.showStarting()
	fetch(s.env, api.StartSupportSession, func(ss *client.SupportSession, err error) {
		if err != nil {
			s.env.log.Info("support session refused", "code", client.CodeOf(err), "request_id", client.RequestIDOf(err))
			if !s.env.sessionEnded(err) {
				s.view.showFailed(userMessage(err))
				s.available(s.partner)
			}
			return
		}
		if !s.partner { // signed out meanwhile
			s.endRemote(api, ss.ID)
			return
		}
		s.api, s.session = api, ss
		ctx, cancel := context.WithCancel(s.env.ctx)
		s.stop = cancel
		s.outbox = newProgressOutbox()
		go s.outbox.run(ctx, func(ctx context.Context, p client.Progress) error {
			return api.ShareProgress(ctx, ss.ID, p)
		}, func(err error) {
			s.env.do(func() {
				if !s.env.sessionEnded(err) {
					s.over(ss.ID, sharingEnded)
				}
			})
		})
		go s.awaitJoin(ctx, api, *ss)
		s.view.showCode(ss.Code, ss.ExpiresAt)
		s.changed()
	})
}

// changed shares what the person sees now, if sharing.
func (s *sharing) changed() {
	if s.active() {
		s.outbox.put(s.snapshot())
	}
}

// awaitJoin asks the portal (a long poll) until a staff member joins or
// the session ends, then shows who watches; it runs off the UI goroutine.
func (s *sharing) awaitJoin(ctx context.Context, api shareAPI, ss client.SupportSession) {
	for ctx.Err() == nil {
		st, err := api.SupportSessionStatus(ctx, ss.ID, true)
		switch {
		case errors.Is(err, client.ErrSupportSessionEnded), errors.Is(err, client.ErrUnauthorized):
			s.env.do(func() {
				if !s.env.sessionEnded(err) {
					s.over(ss.ID, sharingEnded)
				}
			})
			return
		case err != nil:
			if !sleep(ctx, sharingWaitRetry) {
				return
			}
		case st.State == client.SupportSessionExpired && st.JoinedBy == nil:
			s.env.do(func() { s.over(ss.ID, sharingNobodyJoined) })
			return
		case st.State != client.SupportSessionOpen:
			s.env.do(func() { s.over(ss.ID, sharingEnded) })
			return
		case st.JoinedBy != nil:
			name := st.JoinedBy.Name
			s.env.do(func() {
				if s.session != nil && s.session.ID == ss.ID {
					s.view.showJoined(name)
				}
			})
			if sleep(ctx, time.Until(st.EndsAt)) {
				s.env.do(func() { s.over(ss.ID, sharingTimeUp) })
			}
			return
		}
	}
}

// Why sharing ended, as the banner says it.
const (
	sharingEnded        = "Sharing with the help desk has ended."
	sharingNobodyJoined = "Nobody joined with the code within 15 minutes, so sharing has stopped."
	sharingTimeUp       = "Sharing with the help desk has ended: a session lasts at most 2 hours."
)

// over ends sharing of session id, which the portal ended (or which ran
// out of time), and says why.
func (s *sharing) over(id, why string) {
	if s.session == nil || s.session.ID != id {
		return
	}
	s.detach()
	s.view.showOver(why)
	s.available(s.partner)
}

// stopSharing is the banner's "Stop sharing": the portal is told at once,
// and nothing more is sent.
func (s *sharing) stopSharing() {
	if api, id := s.detach(); api != nil {
		s.endRemote(api, id)
	}
	s.view.hide()
	s.available(s.partner)
}

// endRemote tells the portal that sharing of id has ended.
func (s *sharing) endRemote(api shareAPI, id string) {
	s.env.background(func(ctx context.Context) func() {
		if err := api.EndSupportSession(ctx, id); err != nil {
			s.env.log.Warn("ending the support session failed", "code", client.CodeOf(err))
		}
		return nil
	}, nil)
}

// detach stops sending and forgets the session; it returns what ending it
// on the portal needs (nil when nothing was shared).
func (s *sharing) detach() (shareAPI, string) {
	if s.session == nil {
		return nil, ""
	}
	api, id := s.api, s.session.ID
	s.stop()
	s.api, s.session, s.stop, s.outbox = nil, nil, nil, nil
	return api, id
}

// endNow ends sharing and waits (at most sharingEndTimeout) for the portal
// to hear it: the window is closing.
func (s *sharing) endNow() {
	api, id := s.detach()
	if api == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sharingEndTimeout)
	defer cancel()
	if err := api.EndSupportSession(ctx, id); err != nil {
		s.env.log.Warn("ending the support session failed", "code", client.CodeOf(err))
	}
}

// progressOf is the progress to share: step and screen from the shell,
// the message on screen, the last error and the clock from the client.
func progressOf(rel release, step int, screen, message string, api supportAPI) client.Progress {
	p := client.Progress{
		ArticleStep: max(step, 1), Screen: screen, Message: message,
		AppVersion: rel.version, OS: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if api != nil {
		d := api.SupportDetails()
		p.ErrorCode, p.RequestID = d.ErrorCode, d.ErrorRequestID
		if r, ok := api.Clock(); ok {
			p.ClockOffsetSeconds = int(r.Offset.Round(time.Second) / time.Second)
		}
	}
	return truncateProgress(p)
}

// truncateProgress cuts every text to what the portal takes.
func truncateProgress(p client.Progress) client.Progress {
	for _, f := range []*string{&p.Screen, &p.Message, &p.ErrorCode, &p.RequestID, &p.AppVersion, &p.OS} {
		if r := []rune(*f); len(r) > client.MaxProgressText {
			*f = string(r[:client.MaxProgressText-1]) + "…"
		}
	}
	return p
}

// progressOutbox sends the newest progress, one call at a time: changes
// made while a call is out fold into the next one, and the same progress
// is not sent twice.
type progressOutbox struct {
	mu      sync.Mutex
	latest  client.Progress
	sent    client.Progress
	pending bool
	kick    chan struct{}
}

func newProgressOutbox() *progressOutbox { return &progressOutbox{kick: make(chan struct{}, 1)} }

// put makes p the progress to send next.
func (o *progressOutbox) put(p client.Progress) {
	o.mu.Lock()
	o.latest, o.pending = p, true
	o.mu.Unlock()
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// progressInterval is the least time between two progress calls: the
// changes meanwhile fold into the next. It keeps the app at half the
// portal's limit (20 a second) whatever the person does, and adds at most
// this much to the help desk's view of a change.
const progressInterval = 100 * time.Millisecond

// run sends until ctx ends, at most one call per progressInterval; a
// failed send is tried again after sharingWaitRetry (or the portal's
// Retry-After), with whatever progress is newest by then. ended runs with
// the error, and run returns, when the portal says the session is over or
// the sign-in has ended.
func (o *progressOutbox) run(ctx context.Context, send func(context.Context, client.Progress) error, ended func(error)) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-o.kick:
		}
		if wait := progressInterval - time.Since(last); wait > 0 && !sleep(ctx, wait) {
			return
		}
		o.mu.Lock()
		p, ok := o.latest, o.pending && o.latest != o.sent
		o.pending = false
		o.mu.Unlock()
		if !ok {
			continue
		}
		last = time.Now()
		err := send(ctx, p)
		switch {
		case err == nil:
			o.mu.Lock()
			o.sent = p
			o.mu.Unlock()
		case errors.Is(err, client.ErrSupportSessionEnded), errors.Is(err, client.ErrUnauthorized):
			ended(err)
			return
		default:
			wait := sharingWaitRetry
			if d, ok := retryAfter(err); ok {
				wait = d
			}
			if !sleep(ctx, wait) {
				return
			}
			o.mu.Lock()
			latest := o.latest
			o.mu.Unlock()
			o.put(latest)
		}
	}
}

// sleep waits d, or less when ctx ends first; it reports whether ctx is
// still going.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// shareShortLabel is "Share my progress with the help desk" as the header
// and the guide panel's button say it: the long form does not fit either.
const shareShortLabel = "Share with help desk"
