package portal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testRelay is a real SMTP server on loopback (emersion/go-smtp) that keeps
// what it accepts, for the notification tests. It can offer STARTTLS with a
// certificate of its own and require a login, and be stopped and started
// again on the same port, as a relay outage.
type testRelay struct {
	t          testing.TB
	addr       string
	serverTLS  *tls.Config // nil: no STARTTLS
	clientTLS  *tls.Config // trusts the relay's certificate
	user, pass string      // "" : no login needed

	mu   sync.Mutex
	srv  *smtp.Server
	ln   net.Listener // closed by stop too: Serve may not have taken it yet
	msgs []relayMessage
}

// relayMessage is a message the relay accepted.
type relayMessage struct {
	from      string
	to        []string
	raw       string
	overTLS   bool
	loginUser string
	parsed    *mail.Message
	body      string
}

func newTestRelay(t testing.TB, withTLS bool, user, pass string) *testRelay {
	t.Helper()
	r := &testRelay{t: t, user: user, pass: pass}
	if withTLS {
		r.serverTLS, r.clientTLS = loopbackCertificate(t)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(r.stop)
	return r
}

func (r *testRelay) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &relaySession{relay: r, conn: c}, nil
	}))
	srv.Domain = "relay.test"
	srv.TLSConfig = r.serverTLS
	srv.AllowInsecureAuth = r.serverTLS == nil
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	r.mu.Lock()
	r.srv, r.ln = srv, ln
	r.mu.Unlock()
	go srv.Serve(ln)
}

// stop takes the relay down: connections are refused until start.
func (r *testRelay) stop() {
	r.mu.Lock()
	srv, ln := r.srv, r.ln
	r.srv, r.ln = nil, nil
	r.mu.Unlock()
	if srv != nil {
		ln.Close()
		srv.Close()
	}
}

// start brings the relay back on the same address.
func (r *testRelay) start() {
	r.t.Helper()
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		r.t.Fatal(err)
	}
	r.serve(ln)
}

func (r *testRelay) messages() []relayMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]relayMessage(nil), r.msgs...)
}

// waitFor waits up to 20 s until the relay holds n messages, and fails the
// test if it holds more.
func (r *testRelay) waitFor(n int) []relayMessage {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		msgs := r.messages()
		if len(msgs) > n {
			r.t.Fatalf("the relay holds %d messages, want %d", len(msgs), n)
		}
		if len(msgs) == n {
			return msgs
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("the relay holds %d messages after 20 s, want %d", len(msgs), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mailer is a Mailer for the relay.
func (r *testRelay) mailer(requireTLS bool) Mailer {
	r.t.Helper()
	m, err := NewSMTPMailer(SMTPConfig{Addr: r.addr, From: "security@portal.example", Username: r.user, Password: r.pass,
		RequireTLS: requireTLS, TLSConfig: r.clientTLS, Timeout: 5 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	return m
}

type relaySession struct {
	relay *testRelay
	conn  *smtp.Conn
	user  string
	from  string
	to    []string
}

func (s *relaySession) AuthMechanisms() []string {
	if s.relay.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.relay.user || pass != s.relay.pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	if s.relay.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *relaySession) Data(rd io.Reader) error {
	data, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	_, overTLS := s.conn.TLSConnectionState()
	m := relayMessage{from: s.from, to: s.to, raw: string(data), overTLS: overTLS, loginUser: s.user}
	if m.parsed, err = mail.ReadMessage(strings.NewReader(m.raw)); err != nil {
		return err
	}
	body, _ := io.ReadAll(m.parsed.Body)
	m.body = decodeQuotedPrintable(string(body), m.parsed.Header.Get("Content-Transfer-Encoding"))
	s.relay.mu.Lock()
	s.relay.msgs = append(s.relay.msgs, m)
	s.relay.mu.Unlock()
	return nil
}

func (s *relaySession) Reset()        { s.from, s.to = "", nil }
func (s *relaySession) Logout() error { return nil }

// decodeQuotedPrintable undoes the body's transfer encoding for the tests'
// text checks.
func decodeQuotedPrintable(body, encoding string) string {
	if !strings.EqualFold(encoding, "quoted-printable") {
		return body
	}
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		return body
	}
	return string(b)
}

// loopbackCertificate makes a self-signed certificate for 127.0.0.1 and the
// client configuration that trusts it.
func loopbackCertificate(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}
