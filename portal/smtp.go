package portal

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// The environment variables cmd/portal reads the relay's credentials from
// (never a flag: flags show in the process list).
const (
	SMTPUsernameEnv = "PORTAL_SMTP_USERNAME"
	SMTPPasswordEnv = "PORTAL_SMTP_PASSWORD"
)

// SMTPConfig says how to reach the mail relay that delivers notifications.
type SMTPConfig struct {
	// Addr is the relay's HOST:PORT.
	Addr string
	// From is the sender address, in the envelope and the From header.
	From string
	// Username and Password authenticate to the relay; both empty means no
	// authentication.
	Username, Password string
	// RequireTLS insists on STARTTLS for a relay on a loopback address too; for
	// any other relay it is always required.
	RequireTLS bool
	// TLSConfig verifies the relay for STARTTLS; nil means the system's roots
	// for the relay's host name.
	TLSConfig *tls.Config
	// Timeout bounds the connection and each command; 0 means 30 seconds.
	Timeout time.Duration
}

// smtpMailer sends each notification over its own connection to the relay,
// with go-mail.
type smtpMailer struct {
	cfg    SMTPConfig
	host   string
	port   int
	domain string // of From, for Message-IDs
	policy gomail.TLSPolicy
}

// NewSMTPMailer returns a Mailer that delivers through the relay. STARTTLS is
// required unless the relay is on a loopback address (and RequireTLS is
// false), where it is used when offered.
func NewSMTPMailer(cfg SMTPConfig) (Mailer, error) {
	host, portText, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("portal: SMTP relay %q must be HOST:PORT", cfg.Addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("portal: SMTP relay %q: the port must be 1 to 65535", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil || from.Name != "" {
		return nil, fmt.Errorf("portal: SMTP sender %q must be an email address", cfg.From)
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("portal: SMTP username and password go together")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.From = from.Address
	m := &smtpMailer{cfg: cfg, host: host, port: port, policy: gomail.TLSMandatory}
	m.domain = from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	if !cfg.RequireTLS && isLoopbackHost(host) {
		m.policy = gomail.TLSOpportunistic
	}
	return m, nil
}

// isLoopbackHost reports whether host is localhost or a loopback address:
// mail to such a relay does not leave the machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers n; nil means the relay accepted it.
func (m *smtpMailer) Send(ctx context.Context, n Notification) error {
	msg := gomail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return fmt.Errorf("smtp: sender: %w", err)
	}
	if err := msg.To(n.To); err != nil {
		return fmt.Errorf("smtp: recipient: %w", err)
	}
	msg.Subject(n.Subject)
	msg.SetMessageIDWithValue(n.MessageID + "@" + m.domain)
	msg.SetDateWithValue(n.Date)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, n.Body)

	tlsConfig := m.cfg.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
	}
	opts := []gomail.Option{
		gomail.WithPort(m.port),
		gomail.WithTLSPolicy(m.policy),
		gomail.WithTLSConfig(tlsConfig),
		gomail.WithTimeout(m.cfg.Timeout),
	}
	if m.cfg.Username != "" {
		// The strongest mechanism the relay offers; on loopback, where the
		// connection may stay plain, PLAIN (which go-mail allows in clear only
		// to a loopback relay), as discovery passes over it without TLS.
		auth := gomail.SMTPAuthAutoDiscover
		if m.policy != gomail.TLSMandatory {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	client, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s: %w", m.cfg.Addr, err)
	}
	return nil
}
