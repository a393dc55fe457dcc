package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnersecurity/partnersecurity/client"
)

// Given a reseller who shares their progress and a help-desk member who
// joins with the code read out, every support session call of the client
// against the real portal: start, status (waiting for the join), progress,
// watch (waiting for the progress), end.
func TestSupportSessionCalls(t *testing.T) {
	tb, partner := setup(t, true)
	ctx := context.Background()
	staff, _ := tb.staffSignIn(t)

	if _, err := staff.StartSupportSession(ctx); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("a support account starts a session: %v, want ErrForbidden", err)
	}
	s, err := partner.StartSupportSession(ctx)
	if err != nil {
		t.Fatalf("StartSupportSession: %v", err)
	}
	if strings.Contains(s.String(), s.Code) || strings.Contains(s.LogValue().String(), s.Code) {
		t.Errorf("the session's String or LogValue shows its code")
	}
	st, err := partner.SupportSessionStatus(ctx, s.ID, false)
	if err != nil || st.State != client.SupportSessionOpen || st.JoinedBy != nil || !st.EndsAt.After(st.ExpiresAt) {
		t.Fatalf("status before the join: %+v, %v", st, err)
	}

	// The partner's app waits for the join.
	joined := make(chan *client.SupportSessionStatus, 1)
	go func() {
		st, err := partner.SupportSessionStatus(ctx, s.ID, true)
		if err != nil {
			t.Errorf("status, waiting: %v", err)
		}
		joined <- st
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := staff.JoinSupportSession(ctx, "12a456"); !errors.Is(err, client.ErrInvalidSupportCode) {
		t.Errorf("a malformed code: %v, want ErrInvalidSupportCode", err)
	}
	wrong := "000000"
	if s.Code == wrong {
		wrong = "000001"
	}
	if _, err := staff.JoinSupportSession(ctx, wrong); !errors.Is(err, client.ErrInvalidSupportCode) {
		t.Errorf("a wrong code: %v, want ErrInvalidSupportCode", err)
	}
	j, err := staff.JoinSupportSession(ctx, s.Code[:3]+" "+s.Code[3:])
	if err != nil || j.ID != s.ID || j.Account.Username != tb.username {
		t.Fatalf("JoinSupportSession: %+v, %v", j, err)
	}
	if st := <-joined; st == nil || st.JoinedBy == nil || st.JoinedBy.Name == "" {
		t.Errorf("the partner's wait: %+v", st)
	}
	if _, err := partner.JoinSupportSession(ctx, s.Code); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("a partner joins: %v, want ErrForbidden", err)
	}

	// The staff member follows the progress.
	v, err := staff.WatchSupportSession(ctx, s.ID, 0)
	if err != nil || v.Version != 2 || v.Progress != nil || v.State != client.SupportSessionOpen {
		t.Fatalf("first watch: %+v, %v", v, err)
	}
	next := make(chan *client.SupportSessionView, 1)
	go func() {
		v, err := staff.WatchSupportSession(ctx, s.ID, 2)
		if err != nil {
			t.Errorf("watch, waiting: %v", err)
		}
		next <- v
	}()
	time.Sleep(100 * time.Millisecond)
	p := client.Progress{ArticleStep: 8, Screen: "Enter the code", Message: "That code has expired.", ErrorCode: "invalid_code",
		RequestID: "ps-0123", AppVersion: "1.2.0", OS: "linux", ClockOffsetSeconds: -150}
	if err := partner.ShareProgress(ctx, s.ID, p); err != nil {
		t.Fatalf("ShareProgress: %v", err)
	}
	if v := <-next; v == nil || v.Version != 3 || v.Progress == nil || *v.Progress != p {
		t.Errorf("watch after the progress: %+v", v)
	}
	if err := partner.ShareProgress(ctx, s.ID, client.Progress{ArticleStep: 10}); err == nil {
		t.Error("ShareProgress took step 10")
	}

	// Another staff member or session is not this one's.
	if _, err := staff.WatchSupportSession(ctx, "no-such-session", 0); !errors.Is(err, client.ErrSupportSessionEnded) {
		t.Errorf("watch an unknown session: %v, want ErrSupportSessionEnded", err)
	}

	// The partner stops sharing; ending again is fine too.
	if err := partner.EndSupportSession(ctx, s.ID); err != nil {
		t.Fatalf("EndSupportSession: %v", err)
	}
	if err := partner.EndSupportSession(ctx, s.ID); err != nil {
		t.Errorf("EndSupportSession again: %v", err)
	}
	if v, err := staff.WatchSupportSession(ctx, s.ID, 3); err != nil || v.State != client.SupportSessionEnded {
		t.Errorf("watch after the end: %+v, %v", v, err)
	}
	if err := partner.ShareProgress(ctx, s.ID, p); !errors.Is(err, client.ErrSupportSessionEnded) {
		t.Errorf("progress after the end: %v, want ErrSupportSessionEnded", err)
	}
	if _, err := partner.SupportSessionStatus(ctx, "no-such-session", false); !errors.Is(err, client.ErrSupportSessionEnded) {
		t.Errorf("status of an unknown session: %v, want ErrSupportSessionEnded", err)
	}

	// The join is on both accounts' events.
	events, err := partner.ListSecurityEvents(ctx, 10)
	if err != nil || len(events.Events) == 0 || events.Events[0].Type != client.EventSupportSessionJoined {
		t.Errorf("partner events: %+v, %v", events, err)
	}
}

// Ten wrong codes stop a staff member's joins for a while (RateLimitError).
func TestSupportSessionJoinLimit(t *testing.T) {
	tb, partner := setup(t, true)
	ctx := context.Background()
	staff, _ := tb.staffSignIn(t)
	s, err := partner.StartSupportSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rl *client.RateLimitError
	for i := 0; i < 20; i++ {
		code := "1000" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		if code == s.Code {
			continue
		}
		_, err := staff.JoinSupportSession(ctx, code)
		if errors.As(err, &rl) {
			break
		}
		if !errors.Is(err, client.ErrInvalidSupportCode) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if rl == nil || rl.RetryAfter <= 0 {
		t.Fatalf("no RateLimitError after wrong codes: %v", rl)
	}
	if _, err := staff.JoinSupportSession(ctx, s.Code); !errors.As(err, &rl) {
		t.Errorf("the right code while limited: %v, want RateLimitError", err)
	}
	noSecretsIn(t, err, s.Code)
}
