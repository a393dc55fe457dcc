package portal

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Support sessions over HTTP against a real SQLite file: "share my progress
// with the help desk".

const shareBase = "/api/v1/support-sessions"

type shareCreated struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

type shareStatus struct {
	ID        string    `json:"id"`
	State     string    `json:"state"`
	ExpiresAt time.Time `json:"expires_at"`
	EndsAt    time.Time `json:"ends_at"`
	JoinedBy  *struct {
		Name string `json:"name"`
	} `json:"joined_by"`
}

type shareView struct {
	Version   int64          `json:"version"`
	State     string         `json:"state"`
	Progress  map[string]any `json:"progress"`
	UpdatedAt time.Time      `json:"updated_at"`
	Account   struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"account"`
}

func (tp *testPortal) share(t testing.TB, token string) shareCreated {
	t.Helper()
	r := tp.call(t, "POST", shareBase, token, map[string]any{})
	wantStatus(t, r, http.StatusCreated)
	var c shareCreated
	r.decode(t, &c)
	return c
}

func (tp *testPortal) shareStatus(t testing.TB, token, id string, wait bool) shareStatus {
	t.Helper()
	path := shareBase + "/" + id
	if wait {
		path += "?wait=true"
	}
	r := tp.call(t, "GET", path, token, nil)
	wantStatus(t, r, http.StatusOK)
	var s shareStatus
	r.decode(t, &s)
	return s
}

func (tp *testPortal) joinShare(t testing.TB, token, code string) *response {
	t.Helper()
	return tp.call(t, "POST", "/api/v1/support/support-sessions/join", token, map[string]string{"code": code})
}

func (tp *testPortal) watchShare(t testing.TB, token, id string, after int64) shareView {
	t.Helper()
	r := tp.call(t, "GET", watchPath(id, after), token, nil)
	wantStatus(t, r, http.StatusOK)
	var v shareView
	r.decode(t, &v)
	return v
}

func watchPath(id string, after int64) string {
	return "/api/v1/support/support-sessions/" + id + "?after=" + strconv.FormatInt(after, 10)
}

func progressBody(step int, message string) map[string]any {
	return map[string]any{"article_step": step, "screen": "Scan the QR code", "message": message, "error_code": "",
		"request_id": "", "app_version": "1.2.0", "os": "linux", "clock_offset_seconds": -3}
}

func (tp *testPortal) putProgress(t testing.TB, token, id string, body any) *response {
	t.Helper()
	return tp.call(t, "PUT", shareBase+"/"+id+"/progress", token, body)
}

// wrongShareCode is a 6-digit code other than code.
func wrongShareCode(code string, i int) string {
	n, _ := strconv.Atoi(code)
	return strconv.Itoa(100000 + (n+1+i)%900000)
}

// walkSupportSessions is the support sessions' part of the journey: every
// call and each of its error codes, at once (the journey's portal waits the
// contract's 25 s in a long poll, so no call here waits).
func walkSupportSessions(t *testing.T, tp *testPortal, staff, bare twoFactorAccount) {
	pat := tp.createPartner(t, "sharer@partner.example", "Sasha Sharer", "Sharing Reseller", false)
	created := tp.share(t, pat.token)
	if len(created.Code) != 6 || strings.Trim(created.Code, "0123456789") != "" {
		t.Fatalf("code %q is not 6 digits", created.Code)
	}
	if got := created.ExpiresAt.Sub(tp.clock.Now()); got != supportJoinWindow {
		t.Errorf("the code works for %s, want 15 minutes", got)
	}
	st := tp.shareStatus(t, pat.token, created.ID, false)
	if st.State != supportSessionOpen || st.JoinedBy != nil || st.EndsAt.Sub(st.ExpiresAt) != supportSessionLifetime-supportJoinWindow {
		t.Errorf("status before the join: %+v", st)
	}

	// Who may do what.
	wantError(t, tp.call(t, "POST", shareBase, staff.token, map[string]any{}), http.StatusForbidden, "forbidden")
	wantError(t, tp.joinShare(t, pat.token, created.Code), http.StatusForbidden, "forbidden")
	wantError(t, tp.joinShare(t, bare.token, created.Code), http.StatusForbidden, "two_factor_required")
	wantError(t, tp.call(t, "GET", watchPath(created.ID, 0), bare.token, nil), http.StatusForbidden, "two_factor_required")
	wantError(t, tp.call(t, "GET", shareBase+"/no-such-session", pat.token, nil), http.StatusNotFound, "support_session_not_found")
	wantError(t, tp.joinShare(t, staff.token, wrongShareCode(created.Code, 0)), http.StatusNotFound, "invalid_support_code")
	wantError(t, tp.call(t, "POST", "/api/v1/support/support-sessions/join", staff.token, rawJSON(`{"code":"12345"}`)),
		http.StatusBadRequest, "invalid_request")
	wantError(t, tp.call(t, "GET", watchPath(created.ID, 0), staff.token, nil), http.StatusNotFound, "support_session_not_found")

	// The staff member joins; the partner is told who watches.
	r := tp.joinShare(t, staff.token, created.Code)
	wantStatus(t, r, http.StatusOK)
	joined := r.json(t)
	if joined["id"] != created.ID || joined["account"].(map[string]any)["id"] != pat.id {
		t.Errorf("join: %s", r.body)
	}
	wantError(t, tp.joinShare(t, staff.token, created.Code), http.StatusNotFound, "invalid_support_code")
	st = tp.shareStatus(t, pat.token, created.ID, true) // joined: at once
	if st.JoinedBy == nil || st.JoinedBy.Name != "Sam Staff" {
		t.Errorf("status after the join: %+v", st)
	}
	v := tp.watchShare(t, staff.token, created.ID, 0)
	if v.Version != 2 || v.State != supportSessionOpen || v.Progress != nil || v.Account.ID != pat.id {
		t.Errorf("first watch: %+v", v)
	}

	// Progress, and what is refused.
	wantStatus(t, tp.putProgress(t, pat.token, created.ID, progressBody(7, "Scan the code with your phone")), http.StatusNoContent)
	v = tp.watchShare(t, staff.token, created.ID, 2)
	if v.Version != 3 || v.Progress["article_step"] != 7.0 || v.Progress["message"] != "Scan the code with your phone" {
		t.Errorf("watch after progress: %+v", v)
	}
	wantError(t, tp.putProgress(t, pat.token, created.ID, rawJSON(`{"article_step":7,"password":"x"}`)), http.StatusBadRequest, "invalid_request")
	wantError(t, tp.putProgress(t, staff.token, created.ID, progressBody(7, "")), http.StatusForbidden, "forbidden")
	other := tp.createPartner(t, "other@partner.example", "Olga Other", "Other Reseller", false)
	wantError(t, tp.putProgress(t, other.token, created.ID, progressBody(7, "")), http.StatusNotFound, "support_session_not_found")
	wantError(t, tp.call(t, "DELETE", shareBase+"/"+created.ID, other.token, nil), http.StatusNotFound, "support_session_not_found")

	// Events on both accounts.
	if got := tp.events(t, pat.token); got[0].Type != eventSupportSessionJoined || !strings.Contains(got[0].Detail, staff.username) {
		t.Errorf("partner's events: %s", eventTypes(got))
	}
	if got := tp.events(t, staff.token); got[0].Type != eventSupportSessionJoined || !strings.Contains(got[0].Detail, pat.username) {
		t.Errorf("staff events: %s", eventTypes(got))
	}

	// The partner stops sharing.
	wantStatus(t, tp.call(t, "DELETE", shareBase+"/"+created.ID, pat.token, nil), http.StatusNoContent)
	wantStatus(t, tp.call(t, "DELETE", shareBase+"/"+created.ID, pat.token, nil), http.StatusNoContent)
	if v = tp.watchShare(t, staff.token, created.ID, 3); v.State != supportSessionEnded || v.Version != 4 {
		t.Errorf("watch after the end: %+v", v)
	}
	wantError(t, tp.putProgress(t, pat.token, created.ID, progressBody(8, "")), http.StatusConflict, "support_session_ended")
}

// shareFixture is a portal with a partner sharing and a staff member who
// joined.
type shareFixture struct {
	tp         *testPortal
	staff, pat twoFactorAccount
	id, code   string
	joinedAt   int64 // the version after the join
}

func newShareFixture(t *testing.T, wait time.Duration, join bool) *shareFixture {
	t.Helper()
	tp := newTestPortal(t, func(c *Config) { c.LongPollWait = wait })
	f := &shareFixture{tp: tp}
	f.staff = tp.createStaff(t, staffUser, true)
	f.pat = tp.createPartner(t, "pat@partner.example", "Pat Partner", "Partner Co", false)
	c := tp.share(t, f.pat.token)
	f.id, f.code = c.ID, c.Code
	if join {
		wantStatus(t, tp.joinShare(t, f.staff.token, f.code), http.StatusOK)
		f.joinedAt = 2
	}
	return f
}

// Given a staff member typing wrong codes, the 10 wrong ones are each
// invalid_support_code, then even the right code is 429 until the window
// has passed.
func TestSupportJoinCodeLimit(t *testing.T) {
	f := newShareFixture(t, time.Second, false)
	tp := f.tp
	for i := range supportJoinFailureLimit {
		wantError(t, tp.joinShare(t, f.staff.token, wrongShareCode(f.code, i)), http.StatusNotFound, "invalid_support_code")
	}
	r := tp.joinShare(t, f.staff.token, f.code)
	wantError(t, r, http.StatusTooManyRequests, "rate_limited")
	if secs, _ := strconv.Atoi(r.header.Get("Retry-After")); secs < 1 || secs > 300 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// Another staff account is not limited by this one's mistakes.
	other := tp.createStaff(t, "other-staff@example.com", true)
	tp.clock.Advance(supportJoinFailureWindow)
	wantStatus(t, tp.joinShare(t, f.staff.token, f.code), http.StatusOK)
	wantError(t, tp.joinShare(t, other.token, f.code), http.StatusNotFound, "invalid_support_code")
}

// Given a partner sharing, a second session ends the first: its code stops
// working and its progress is refused.
func TestSupportSessionOnePerAccount(t *testing.T) {
	f := newShareFixture(t, time.Second, false)
	tp := f.tp
	second := tp.share(t, f.pat.token)
	if st := tp.shareStatus(t, f.pat.token, f.id, false); st.State != supportSessionEnded {
		t.Errorf("the first session is %s, want ended", st.State)
	}
	wantError(t, tp.putProgress(t, f.pat.token, f.id, progressBody(3, "")), http.StatusConflict, "support_session_ended")
	if second.Code != f.code {
		wantError(t, tp.joinShare(t, f.staff.token, f.code), http.StatusNotFound, "invalid_support_code")
	}
	wantStatus(t, tp.joinShare(t, f.staff.token, second.Code), http.StatusOK)
	// At most 10 sessions an hour.
	for range supportSessionsPerHour - 2 {
		tp.share(t, f.pat.token)
	}
	wantError(t, tp.call(t, "POST", shareBase, f.pat.token, map[string]any{}), http.StatusTooManyRequests, "rate_limited")
	tp.clock.Advance(time.Hour)
	tp.share(t, f.pat.token)
}

// Progress holds the fixed fields only, short strings without control
// characters; anything else is refused and nothing is stored.
func TestSupportProgressRefused(t *testing.T) {
	f := newShareFixture(t, time.Second, true)
	tp := f.tp
	put := func(body string) *response {
		return tp.putProgress(t, f.pat.token, f.id, raw{contentType: "application/json", data: []byte(body)})
	}
	long := strings.Repeat("é", maxProgressText+1)
	for name, body := range map[string]string{
		"unknown field":     `{"article_step":5,"secret":"JBSWY3DPEHPK3PXP"}`,
		"field in capitals": `{"article_step":5,"Message":"x"}`,
		"no step":           `{"message":"x"}`,
		"step 0":            `{"article_step":0}`,
		"step 10":           `{"article_step":10}`,
		"step not a number": `{"article_step":"5"}`,
		"over-long message": `{"article_step":5,"message":"` + long + `"}`,
		"control character": `{"article_step":5,"screen":"a\u0007b"}`,
		"line break":        `{"article_step":5,"message":"a\nb"}`,
		"not UTF-8":         "{\"article_step\":5,\"os\":\"\xff\xfe\"}",
		"clock too far":     `{"article_step":5,"clock_offset_seconds":31536001}`,
		"clock not integer": `{"article_step":5,"clock_offset_seconds":1.5}`,
		"null":              `{"article_step":5,"message":null}`,
	} {
		t.Run(name, func(t *testing.T) { wantError(t, put(body), http.StatusBadRequest, "invalid_request") })
	}
	if v := tp.watchShare(t, f.staff.token, f.id, 0); v.Progress != nil || v.Version != f.joinedAt {
		t.Errorf("refused progress was stored: %+v", v)
	}
	// 200 characters (not bytes) are fine; the step alone is enough.
	wantStatus(t, put(`{"article_step":5,"message":"`+strings.Repeat("é", maxProgressText)+`"}`), http.StatusNoContent)
	wantStatus(t, put(`{"article_step":6}`), http.StatusNoContent)
	v := tp.watchShare(t, f.staff.token, f.id, 0)
	if v.Progress["article_step"] != 6.0 || v.Progress["message"] != "" || v.Progress["clock_offset_seconds"] != 0.0 {
		t.Errorf("progress %+v", v.Progress)
	}
	// A flood is cut off: at most 20 updates a second.
	var limited *response
	for i := range 2 * progressUpdatesPerWindow {
		r := tp.putProgress(t, f.pat.token, f.id, progressBody(6, strconv.Itoa(i)))
		if r.status == http.StatusTooManyRequests {
			limited = r
			break
		}
		wantStatus(t, r, http.StatusNoContent)
	}
	if limited == nil {
		t.Fatal("40 updates in the same second were all taken")
	}
	wantError(t, limited, http.StatusTooManyRequests, "rate_limited")
	tp.clock.Advance(progressWindow)
	wantStatus(t, tp.putProgress(t, f.pat.token, f.id, progressBody(6, "later")), http.StatusNoContent)
}

// Given a session joined and shared, when the portal restarts on the same
// database, the staff member's watch goes on with the progress kept.
func TestSupportSessionSurvivesRestart(t *testing.T) {
	f := newShareFixture(t, time.Second, true)
	tp := f.tp
	wantStatus(t, tp.putProgress(t, f.pat.token, f.id, progressBody(8, "Enter the code from your phone")), http.StatusNoContent)
	before := tp.watchShare(t, f.staff.token, f.id, 0)
	tp.restart()
	after := tp.watchShare(t, f.staff.token, f.id, 0)
	if after.Version != before.Version || after.Progress["message"] != "Enter the code from your phone" || after.State != supportSessionOpen {
		t.Errorf("after the restart: %+v, before %+v", after, before)
	}
	if st := tp.shareStatus(t, f.pat.token, f.id, false); st.JoinedBy == nil || st.JoinedBy.Name != "Sam Staff" {
		t.Errorf("status after the restart: %+v", st)
	}
	wantStatus(t, tp.putProgress(t, f.pat.token, f.id, progressBody(9, "Updated")), http.StatusNoContent)
	if v := tp.watchShare(t, f.staff.token, f.id, after.Version); v.Version != after.Version+1 || v.Progress["article_step"] != 9.0 {
		t.Errorf("progress after the restart: %+v", v)
	}
}

// An unjoined session expires after 15 minutes (its code with it), a joined
// one after 2 hours; a partner's sign-out ends the sessions it opened.
func TestSupportSessionExpiry(t *testing.T) {
	f := newShareFixture(t, time.Second, false)
	tp := f.tp
	tp.clock.Advance(supportJoinWindow)
	if st := tp.shareStatus(t, f.pat.token, f.id, true); st.State != supportSessionExpired {
		t.Errorf("after 15 minutes unjoined: %s, want expired", st.State)
	}
	wantError(t, tp.joinShare(t, f.staff.token, f.code), http.StatusNotFound, "invalid_support_code")
	wantError(t, tp.putProgress(t, f.pat.token, f.id, progressBody(3, "")), http.StatusConflict, "support_session_ended")

	joined := tp.share(t, f.pat.token)
	wantStatus(t, tp.joinShare(t, f.staff.token, joined.Code), http.StatusOK)
	tp.clock.Advance(supportJoinWindow + time.Minute) // joined: the code's end does not matter
	if v := tp.watchShare(t, f.staff.token, joined.ID, 0); v.State != supportSessionOpen {
		t.Errorf("joined, after 16 minutes: %s", v.State)
	}
	tp.clock.Advance(supportSessionLifetime)
	v := tp.watchShare(t, f.staff.token, joined.ID, 2)
	if v.State != supportSessionExpired || v.Version != 3 {
		t.Errorf("after 2 hours: %+v, want expired at version 3", v)
	}
	if again := tp.watchShare(t, f.staff.token, joined.ID, 0); again.Version != v.Version {
		t.Errorf("the expiry was counted twice: %d then %d", v.Version, again.Version)
	}

	// Sign-out ends sharing at once, and the watch is answered.
	third := tp.share(t, f.pat.token)
	wantStatus(t, tp.joinShare(t, f.staff.token, third.Code), http.StatusOK)
	wantStatus(t, tp.call(t, "POST", "/api/v1/logout", f.pat.token, nil), http.StatusNoContent)
	if v := tp.watchShare(t, f.staff.token, third.ID, 2); v.State != supportSessionEnded {
		t.Errorf("after the partner signed out: %s, want ended", v.State)
	}
}

// parkedWatch starts a watch that waits, and returns its answer's channel.
func (f *shareFixture) parkedWatch(t *testing.T, token string, after int64) <-chan shareView {
	t.Helper()
	ch := make(chan shareView, 1)
	go func() {
		r := callPortal(t, f.tp.http.URL, "GET", watchPath(f.id, after), token, nil, nil)
		var v shareView
		if r.status == http.StatusOK {
			r.decode(t, &v)
		}
		ch <- v
	}()
	return ch
}

// waitParked waits until n long polls are parked.
func (f *shareFixture) waitParked(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); f.tp.srv.polls.waiting() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d long polls parked, want %d", f.tp.srv.polls.waiting(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// The long poll: after=0 answers at once; after=current waits and answers
// when the partner's app shares progress; without a change it answers after
// its wait with the same version.
func TestSupportSessionLongPoll(t *testing.T) {
	const wait = 1500 * time.Millisecond
	f := newShareFixture(t, wait, true)
	tp := f.tp

	start := time.Now()
	if v := tp.watchShare(t, f.staff.token, f.id, 0); v.Version != f.joinedAt || time.Since(start) > wait/2 {
		t.Errorf("after=0: version %d in %s", v.Version, time.Since(start))
	}

	ch := f.parkedWatch(t, f.staff.token, f.joinedAt)
	f.waitParked(t, 1)
	put := time.Now()
	wantStatus(t, tp.putProgress(t, f.pat.token, f.id, progressBody(5, "Generate the shared secret")), http.StatusNoContent)
	v := <-ch
	if v.Version != f.joinedAt+1 || v.Progress["article_step"] != 5.0 {
		t.Errorf("woken watch: %+v", v)
	}
	if d := time.Since(put); d > wait/2 {
		t.Errorf("the watch answered %s after the change", d)
	}

	start = time.Now()
	same := tp.watchShare(t, f.staff.token, f.id, v.Version)
	if d := time.Since(start); same.Version != v.Version || d < wait-100*time.Millisecond || d > wait+time.Second {
		t.Errorf("without a change: version %d after %s, want %d after %s", same.Version, d, v.Version, wait)
	}

	// The partner's wait=true answers when the staff member joins.
	second := tp.share(t, f.pat.token) // ends the first
	statusCh := make(chan shareStatus, 1)
	go func() {
		r := callPortal(t, tp.http.URL, "GET", shareBase+"/"+second.ID+"?wait=true", f.pat.token, nil, nil)
		var st shareStatus
		r.decode(t, &st)
		statusCh <- st
	}()
	f.waitParked(t, 1)
	wantStatus(t, tp.joinShare(t, f.staff.token, second.Code), http.StatusOK)
	if st := <-statusCh; st.JoinedBy == nil || st.JoinedBy.Name != "Sam Staff" {
		t.Errorf("the partner's wait: %+v", st)
	}
}

// One account holds at most 4 long polls at once; another staff member
// cannot watch a session they did not join.
func TestSupportSessionPollBound(t *testing.T) {
	f := newShareFixture(t, 3*time.Second, true)
	tp := f.tp
	var chans []<-chan shareView
	for range maxLongPollsPerAccount {
		chans = append(chans, f.parkedWatch(t, f.staff.token, f.joinedAt))
	}
	f.waitParked(t, maxLongPollsPerAccount)
	wantError(t, tp.call(t, "GET", watchPath(f.id, f.joinedAt), f.staff.token, nil), http.StatusTooManyRequests, "rate_limited")
	other := tp.createStaff(t, "other-staff@example.com", true)
	wantError(t, tp.call(t, "GET", watchPath(f.id, 0), other.token, nil), http.StatusNotFound, "support_session_not_found")
	wantStatus(t, tp.putProgress(t, f.pat.token, f.id, progressBody(4, "")), http.StatusNoContent)
	for _, ch := range chans {
		if v := <-ch; v.Version != f.joinedAt+1 {
			t.Errorf("a parked watch answered version %d", v.Version)
		}
	}
}

// Shutting the HTTP server down answers a parked long poll at once, with
// the same version.
func TestSupportSessionShutdownEndsLongPoll(t *testing.T) {
	f := newShareFixture(t, time.Minute, true)
	ch := f.parkedWatch(t, f.staff.token, f.joinedAt)
	f.waitParked(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := f.tp.http.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	select {
	case v := <-ch:
		if v.Version != f.joinedAt {
			t.Errorf("the poll answered %+v", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the parked poll did not end at shutdown")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s", d)
	}
}

// Many watchers of one session are woken by one change, and none of them is
// lost when changes race with the start of a wait.
func TestSupportSessionManyWatchers(t *testing.T) {
	f := newShareFixture(t, 5*time.Second, true)
	tp := f.tp
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			after := f.joinedAt
			for after < f.joinedAt+5 {
				r := callPortal(t, tp.http.URL, "GET", watchPath(f.id, after), f.staff.token, nil, nil)
				var v shareView
				r.decode(t, &v)
				if v.Version < after {
					t.Errorf("watcher %d went back from %d to %d", i, after, v.Version)
					return
				}
				after = v.Version
			}
		}()
	}
	for i := range 5 {
		wantStatus(t, tp.putProgress(t, f.pat.token, f.id, progressBody(5, strconv.Itoa(i))), http.StatusNoContent)
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
}
