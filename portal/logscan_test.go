package portal

import (
	"bytes"
	"encoding/base32"
	"encoding/hex"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// TestNoSecretsInLogsOrDatabase runs the journey with debug logging and then
// looks for every password, token, secret, code and recovery code it used in the
// log output and in the database files (main file and WAL).
func TestNoSecretsInLogsOrDatabase(t *testing.T) {
	var logs syncBuffer
	tp := newTestPortal(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	var secrets []string // the values, in every form they travel in
	keep := func(vals ...string) { secrets = append(secrets, vals...) }
	codes := map[string]bool{}
	code := func(secret string) string {
		c := refCode(t, secret, tp.clock.Now())
		codes[c] = true
		return c
	}

	tp.createAlice()
	keep(alicePassword)
	wantError(t, tp.call(t, "POST", "/api/v1/login", "", map[string]string{"username": aliceUser, "password": "a wrong password"}),
		http.StatusUnauthorized, "invalid_credentials")
	keep("a wrong password")
	// People type their password into the username field.
	wantError(t, tp.call(t, "POST", "/api/v1/login", "", map[string]string{"username": "password-in-the-username-field", "password": "x"}),
		http.StatusUnauthorized, "invalid_credentials")
	keep("password-in-the-username-field")
	token := tp.login(t, aliceUser, alicePassword).Token
	keep(token)
	enr := tp.enroll(t, token, map[string]any{})
	keep(secretForms(t, enr.Secret)...)
	tp.clock.NextStep()
	r := tp.call(t, "POST", "/api/v1/account/security/totp/confirm", token, map[string]string{"enrollment_id": enr.EnrollmentID, "code": code(enr.Secret)})
	wantStatus(t, r, http.StatusOK)
	var res twoFactorResp
	r.decode(t, &res)
	for _, rc := range res.RecoveryCodes {
		keep(rc, strings.ReplaceAll(rc, "-", ""))
	}

	ch := tp.login(t, aliceUser, alicePassword)
	keep(ch.MFAToken)
	wantError(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "code": code(enr.Secret)}),
		http.StatusUnauthorized, "code_reused")
	tp.clock.NextStep()
	r = tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "code": code(enr.Secret)})
	wantStatus(t, r, http.StatusOK)
	var s sessionResp
	r.decode(t, &s)
	keep(s.Token)
	ch = tp.login(t, aliceUser, alicePassword)
	keep(ch.MFAToken)
	wantStatus(t, tp.call(t, "POST", "/api/v1/login/mfa", "", map[string]string{"mfa_token": ch.MFAToken, "recovery_code": res.RecoveryCodes[0]}), http.StatusOK)
	tp.clock.NextStep()
	r = tp.call(t, "POST", "/api/v1/account/security/recovery-codes", token, map[string]string{"code": code(enr.Secret)})
	wantStatus(t, r, http.StatusOK)
	r.decode(t, &res)
	for _, rc := range res.RecoveryCodes {
		keep(rc, strings.ReplaceAll(rc, "-", ""))
	}
	enr2 := tp.enroll(t, token, map[string]any{"replace_existing": true, "password": alicePassword})
	keep(secretForms(t, enr2.Secret)...)
	tp.clock.NextStep()
	wantStatus(t, tp.call(t, "PUT", "/api/v1/account/security", token,
		map[string]any{"require_two_factor": false, "recovery_code": res.RecoveryCodes[1], "password": alicePassword}), http.StatusOK)

	dbBefore := readDBFiles(t, tp.cfg.DBPath)
	tp.stop()
	dbAfter := readDBFiles(t, tp.cfg.DBPath)
	logOut := logs.Bytes()
	if !bytes.Contains(logOut, []byte(`"level":"DEBUG"`)) || !bytes.Contains(logOut, []byte(`"msg":"request"`)) {
		t.Fatal("the debug log is empty: the scan would prove nothing")
	}

	places := map[string][]byte{"log": logOut, "database (open)": dbBefore, "database (closed)": dbAfter}
	for where, data := range places {
		for _, secret := range secrets {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("a secret (%d characters) is in the %s", len(secret), where)
			}
		}
		for c := range codes {
			// Six digits can occur by chance inside longer numbers or hex IDs,
			// so only a code standing alone counts.
			if regexp.MustCompile(`(^|[^0-9A-Za-z])` + c + `([^0-9A-Za-z]|$)`).Match(data) {
				t.Errorf("a TOTP code is in the %s", where)
			}
		}
	}
}

// secretForms is a base32 secret as text and as raw bytes, in hex too.
func secretForms(t *testing.T, secret string) []string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return []string{secret, strings.ToLower(secret), string(key), hex.EncodeToString(key)}
}

// readDBFiles reads the database file and its WAL and shared-memory files.
func readDBFiles(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, data...)
	}
	if len(all) == 0 {
		t.Fatal("no database files to scan")
	}
	return all
}
