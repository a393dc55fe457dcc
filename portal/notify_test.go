package portal

import (
	"net/http"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// withRelay has the test portal deliver through relay, looking at the outbox
// every 20 ms.
func withRelay(m Mailer) func(*Config) {
	return func(c *Config) { c.Mailer, c.OutboxPollInterval = m, 20*time.Millisecond }
}

type healthResp struct {
	Status               string `json:"status"`
	Notifications        string `json:"notifications"`
	NotificationsWaiting int    `json:"notifications_waiting"`
}

func (tp *testPortal) health(t testing.TB) healthResp {
	t.Helper()
	r := tp.call(t, "GET", "/api/v1/health", "", nil)
	wantStatus(t, r, http.StatusOK)
	var h healthResp
	r.decode(t, &h)
	return h
}

// waitHealth waits up to 10 s for the health answer to say notifications is
// state with waiting messages.
func (tp *testPortal) waitHealth(t testing.TB, state string, waiting int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h := tp.health(t)
		if h.Notifications == state && h.NotificationsWaiting == waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("health %+v, want notifications %s with %d waiting", h, state, waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNotificationsDelivered: each change of the second factor is emailed,
// over STARTTLS with a login, with what changed, when, from where and what to
// do, and without a code, secret, token, password or link.
func TestNotificationsDelivered(t *testing.T) {
	relay := newTestRelay(t, true, "portal-relay-user", "relay password 9")
	tp := newTestPortal(t, withRelay(relay.mailer(true)))
	var secrets []string
	tp.createAlice()
	secrets = append(secrets, alicePassword, staffPassword, relay.pass)

	// 2FA on; new recovery codes; a recovery code at sign-in.
	token := tp.login(t, aliceUser, alicePassword).Token
	enr := tp.enroll(t, token, map[string]any{})
	res := tp.confirm(t, token, enr)
	tp.clock.NextStep()
	r := tp.call(t, "POST", "/api/v1/account/security/recovery-codes", token, map[string]string{"code": refCode(t, enr.Secret, tp.clock.Now())})
	wantStatus(t, r, http.StatusOK)
	var regen twoFactorResp
	r.decode(t, &regen)
	ch := tp.login(t, aliceUser, alicePassword)
	r = tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": regen.RecoveryCodes[0]})
	wantStatus(t, r, http.StatusOK)
	var s sessionResp
	r.decode(t, &s)
	// The authenticator replaced; 2FA off.
	enr2 := tp.enroll(t, s.Token, map[string]any{"replace_existing": true})
	res2 := tp.confirm(t, s.Token, enr2)
	tp.clock.NextStep()
	wantStatus(t, tp.call(t, "PUT", "/api/v1/account/security", s.Token,
		map[string]any{"require_two_factor": false, "code": refCode(t, enr2.Secret, tp.clock.Now())}), http.StatusOK)
	// On again; the help desk issues a code, it is used, and the help desk resets 2FA.
	enr3 := tp.enroll(t, s.Token, map[string]any{})
	tp.confirm(t, s.Token, enr3)
	staff := tp.createStaff(t, staffUser, true)
	tac := tp.issueTemporaryAccess(t, staff.token, s.Account.ID, map[string]any{"reason": reason})
	alice := twoFactorAccount{username: aliceUser, password: alicePassword}
	r = tp.loginTemporary(t, alice, tac.Code)
	wantStatus(t, r, http.StatusOK)
	var ts sessionResp
	r.decode(t, &ts)
	wantStatus(t, tp.call(t, "POST", "/api/v1/support/accounts/"+s.Account.ID+"/two-factor/reset", staff.token, map[string]any{"reason": reason}), http.StatusOK)

	secrets = append(secrets, enr.Secret, enr2.Secret, enr3.Secret, staff.secret, tac.Code, strings.ReplaceAll(tac.Code, "-", ""),
		token, s.Token, ts.Token, staff.token, ch.MFAToken)
	secrets = append(secrets, res.RecoveryCodes...)
	secrets = append(secrets, regen.RecoveryCodes...)
	secrets = append(secrets, res2.RecoveryCodes...)

	want := []struct{ to, subject, says string }{
		{aliceUser, "Two-factor authentication was turned on", "asks for a code from your authenticator app"},
		{aliceUser, "New recovery codes were made", "The old ones no longer work"},
		{aliceUser, "A recovery code was used", "9 recovery codes are left"},
		{aliceUser, "A new authenticator app replaced the old one", "Codes from the old one no longer work"},
		{aliceUser, "Two-factor authentication was turned off", "asks only for your password"},
		{aliceUser, "Two-factor authentication was turned on", "authenticator app"},
		{staffUser, "Two-factor authentication was turned on", "authenticator app"},
		{aliceUser, "The help desk issued a temporary access code", reason},
		{aliceUser, "Someone signed in with a temporary access code", "Set up your authenticator app again"},
		{aliceUser, "The help desk turned two-factor authentication off", "ended every session"},
	}
	msgs := relay.waitFor(len(want))
	seenIDs := map[string]bool{}
	for i, m := range msgs {
		w := want[i]
		h := m.parsed.Header
		if len(m.to) != 1 || m.to[0] != w.to || h.Get("To") != "<"+w.to+">" && h.Get("To") != w.to {
			t.Errorf("message %d to %v (%s), want %s", i, m.to, h.Get("To"), w.to)
		}
		if h.Get("Subject") != "Partner portal: "+w.subject || !strings.Contains(m.body, w.says) {
			t.Errorf("message %d: %q\n%s\nwant %q saying %q", i, h.Get("Subject"), m.body, w.subject, w.says)
		}
		for _, part := range []string{"When:", "UTC", "Client address: 127.0.0.1", "If it wasn't you", "never from a link"} {
			if !strings.Contains(m.body, part) {
				t.Errorf("message %d (%s) lacks %q:\n%s", i, w.subject, part, m.body)
			}
		}
		if !m.overTLS || m.loginUser != relay.user || m.from != "security@portal.example" {
			t.Errorf("message %d: over TLS %v, login %q, from %q", i, m.overTLS, m.loginUser, m.from)
		}
		id := h.Get("Message-Id")
		if !strings.HasSuffix(id, "@portal.example>") || seenIDs[id] {
			t.Errorf("message %d: Message-ID %q", i, id)
		}
		seenIDs[id] = true
		for _, secret := range secrets {
			if strings.Contains(m.raw, secret) || strings.Contains(m.body, secret) {
				t.Errorf("message %d (%s) holds a secret", i, w.subject)
			}
		}
		if strings.Contains(strings.ToLower(m.body), "http") {
			t.Errorf("message %d (%s) holds a link:\n%s", i, w.subject, m.body)
		}
	}
	if h := tp.health(t); h.Notifications != "ok" || h.NotificationsWaiting != 0 {
		t.Errorf("health %+v", h)
	}
}

// TestNotificationsSurviveOutageAndRestart: with the relay down a message
// waits and is tried again with backoff; once the relay is back it arrives
// once. A portal restarted with messages waiting (without a relay, or in a
// backoff) sends them at once.
func TestNotificationsSurviveOutageAndRestart(t *testing.T) {
	relay := newTestRelay(t, false, "", "")
	tp := newTestPortal(t, withRelay(relay.mailer(false)))
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token

	relay.stop()
	enr := tp.enroll(t, token, map[string]any{})
	tp.confirm(t, token, enr)
	tp.waitHealth(t, "failing", 1)
	attempts := func() (n int, next time.Time) {
		var ms int64
		if err := tp.srv.rdb.QueryRow(`SELECT attempts, next_attempt_at FROM outbox`).Scan(&n, &ms); err != nil {
			t.Fatal(err)
		}
		return n, fromMillis(ms)
	}
	if n, next := attempts(); n != 1 || !next.Equal(tp.clock.Now().Add(notificationFirstRetry).Truncate(time.Millisecond)) {
		t.Errorf("after the first attempt: %d attempts, next at %v (now %v)", n, next, tp.clock.Now())
	}
	tp.clock.Advance(notificationFirstRetry)
	deadline := time.Now().Add(10 * time.Second)
	for n, _ := attempts(); n < 2; n, _ = attempts() {
		if time.Now().After(deadline) {
			t.Fatal("no second attempt after 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n, next := attempts(); n != 2 || !next.Equal(tp.clock.Now().Add(2*notificationFirstRetry).Truncate(time.Millisecond)) {
		t.Errorf("after the second attempt: %d attempts, next at %v", n, next)
	}

	relay.start() // back, but the next attempt is a minute away
	time.Sleep(200 * time.Millisecond)
	if n := len(relay.messages()); n != 0 {
		t.Fatalf("%d messages before the next attempt was due", n)
	}
	tp.clock.Advance(2 * notificationFirstRetry)
	msgs := relay.waitFor(1)
	tp.waitHealth(t, "ok", 0)
	if !strings.Contains(msgs[0].parsed.Header.Get("Subject"), "turned on") {
		t.Errorf("delivered %q", msgs[0].parsed.Header.Get("Subject"))
	}

	// Restarted without a relay: the message waits, and health says so.
	tp.stop()
	tp.cfg.Mailer = nil
	tp.start()
	tp.clock.NextStep()
	wantStatus(t, tp.call(t, "POST", "/api/v1/account/security/recovery-codes", token, map[string]string{"code": refCode(t, enr.Secret, tp.clock.Now())}), http.StatusOK)
	if h := tp.health(t); h.Notifications != "not_configured" || h.NotificationsWaiting != 1 {
		t.Errorf("health without a relay: %+v", h)
	}
	tp.stop()
	tp.cfg.Mailer = relay.mailer(false)
	tp.start()
	relay.waitFor(2)

	// Restarted during a backoff of an hour: tried at once.
	relay.stop()
	tp.clock.NextStep()
	wantStatus(t, tp.call(t, "POST", "/api/v1/account/security/recovery-codes", token, map[string]string{"code": refCode(t, enr.Secret, tp.clock.Now())}), http.StatusOK)
	tp.waitHealth(t, "failing", 1)
	tp.db(t, `UPDATE outbox SET attempts = 7, next_attempt_at = ?`, millis(tp.clock.Now().Add(time.Hour)))
	relay.start()
	tp.restart()
	msgs = relay.waitFor(3)
	ids := map[string]bool{}
	for _, m := range msgs {
		ids[m.parsed.Header.Get("Message-Id")] = true
	}
	if len(ids) != 3 {
		t.Errorf("a message arrived twice: %v", ids)
	}
	tp.waitHealth(t, "ok", 0)
}

// TestNotificationGivenUpAfterADay: a message the relay never takes is kept,
// marked given up, after 24 hours of attempts, and no longer tried.
func TestNotificationGivenUpAfterADay(t *testing.T) {
	relay := newTestRelay(t, false, "", "")
	relay.stop()
	tp := newTestPortal(t, withRelay(relay.mailer(false)))
	tp.createAlice()
	token := tp.login(t, aliceUser, alicePassword).Token
	tp.confirm(t, token, tp.enroll(t, token, map[string]any{}))
	tp.waitHealth(t, "failing", 1)
	tp.clock.Advance(notificationRetryFor)
	tp.waitHealth(t, "failing", 0)
	var attempts int
	var givenUp *int64
	var lastError string
	if err := tp.srv.rdb.QueryRow(`SELECT attempts, given_up_at, last_error FROM outbox`).Scan(&attempts, &givenUp, &lastError); err != nil {
		t.Fatal(err)
	}
	if attempts != 2 || givenUp == nil || !strings.Contains(lastError, relay.addr) {
		t.Errorf("given up: attempts %d, at %v, error %q", attempts, givenUp, lastError)
	}
	relay.start()
	tp.clock.Advance(time.Hour)
	time.Sleep(200 * time.Millisecond)
	if n := len(relay.messages()); n != 0 {
		t.Errorf("a given-up message was sent")
	}
}

// TestSMTPMailerPolicy: STARTTLS is required of a relay that is not on
// loopback, and of one on loopback with RequireTLS; configurations that
// cannot work are refused.
func TestSMTPMailerPolicy(t *testing.T) {
	relay := newTestRelay(t, false, "", "")
	n := Notification{MessageID: "m1", To: aliceUser, Subject: "s", Body: "b", Date: time.Now()}
	err := relay.mailer(true).Send(t.Context(), n)
	if err == nil || len(relay.messages()) != 0 {
		t.Errorf("a relay without STARTTLS took a message although TLS is required: %v", err)
	}
	if err := relay.mailer(false).Send(t.Context(), n); err != nil {
		t.Errorf("loopback relay without STARTTLS: %v", err)
	}
	m, err := NewSMTPMailer(SMTPConfig{Addr: "smtp.example.com:587", From: "portal@example.com"})
	if err != nil || m.(*smtpMailer).policy != gomail.TLSMandatory {
		t.Errorf("a remote relay: %v %v", m, err)
	}
	for _, bad := range []SMTPConfig{
		{Addr: "smtp.example.com", From: "portal@example.com"},
		{Addr: "smtp.example.com:0", From: "portal@example.com"},
		{Addr: "smtp.example.com:25", From: "not an address"},
		{Addr: "smtp.example.com:25", From: "portal@example.com", Username: "u"},
	} {
		if _, err := NewSMTPMailer(bad); err == nil {
			t.Errorf("NewSMTPMailer(%+v) accepted", bad)
		}
	}
	locked := newTestRelay(t, true, "user", "the right relay password")
	wrong, err := NewSMTPMailer(SMTPConfig{Addr: locked.addr, From: "portal@example.com", Username: "user", Password: "a wrong relay password",
		RequireTLS: true, TLSConfig: locked.clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	if err := wrong.Send(t.Context(), n); err == nil || strings.Contains(err.Error(), "wrong relay password") {
		t.Errorf("a wrong relay password: %v", err)
	}
}

// db runs a statement on the test portal's writer connection.
func (tp *testPortal) db(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := tp.srv.db.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}
