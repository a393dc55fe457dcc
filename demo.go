package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/partnersecurity/partnersecurity/portal"
	"github.com/partnersecurity/partnersecurity/ui"
)

// demoPortal is the reference portal run inside the app for -demo, on a
// random loopback port with a throwaway database.
type demoPortal struct {
	info ui.Demo
	// mailer delivers the notification emails (-demo-smtp); nil leaves
	// them in the outbox.
	mailer portal.Mailer
	dir    string
	ln     net.Listener
	srv    *http.Server
}

// listenDemoPortal listens on a loopback port, so that the address is known
// for the first screen; open then opens the portal behind it. Requests
// queue on the socket until the portal serves them. smtp, if not empty, is
// a mail relay on loopback that receives the portal's notification emails.
func listenDemoPortal(smtp string) (*demoPortal, error) {
	mailer, err := demoMailer(smtp)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo portal: %w", err)
	}
	dir, err := os.MkdirTemp("", "partnersecurity-demo-")
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("demo portal: %w", err)
	}
	return &demoPortal{
		mailer: mailer,
		info: ui.Demo{Address: "http://" + ln.Addr().String(), Username: portal.DemoUsername, Password: portal.DemoPassword,
			SupportUsername: portal.DemoSupportUsername, SupportPassword: portal.DemoSupportPassword},
		dir: dir,
		ln:  ln,
		srv: &http.Server{ReadHeaderTimeout: 10 * time.Second},
	}, nil
}

// open opens the database, creates the demo accounts (the reseller and the
// help desk) and serves the portal, in the background.
func (d *demoPortal) open(logger *slog.Logger) { go d.serve(logger) }

func (d *demoPortal) serve(logger *slog.Logger) {
	ctx := context.Background()
	p, err := portal.Open(ctx, portal.Config{
		DBPath: filepath.Join(d.dir, "demo.db"),
		Issuer: "Partner Portal (demo)",
		Logger: logger,
		Mailer: d.mailer,
	})
	var accounts portal.DemoAccounts
	if err == nil {
		if accounts, err = p.EnsureDemoAccounts(ctx); err != nil {
			p.Close()
		}
	}
	if err != nil {
		logger.Error("demo portal did not start", "err", err)
		d.ln.Close()
		return
	}
	defer p.Close()
	// Like cmd/portal -demo: the help desk's key is a demo credential, for
	// an authenticator or oathtool.
	fmt.Fprintf(os.Stderr, "Demo help desk: username %s  password %s  authenticator key %s (a code: oathtool --totp -b %s)\n",
		portal.DemoSupportUsername, portal.DemoSupportPassword, accounts.SupportTOTPSecret, accounts.SupportTOTPSecret)
	d.srv.Handler = p.Handler()
	if err := d.srv.Serve(d.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("demo portal stopped", "err", err)
	}
}

// stop shuts the portal down and deletes its database.
func (d *demoPortal) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = d.srv.Shutdown(ctx)
	_ = d.ln.Close() // in case the portal never started serving
	_ = os.RemoveAll(d.dir)
}

// demoMailer is the demo portal's mail relay: HOST:PORT on loopback (make
// demo starts one that prints what it receives), or nil for none. The demo
// sends from a fixed address of its own.
func demoMailer(addr string) (portal.Mailer, error) {
	if addr == "" {
		return nil, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("demo portal: -demo-smtp %q must be a relay on this computer, like 127.0.0.1:8025", addr)
	}
	return portal.NewSMTPMailer(portal.SMTPConfig{Addr: addr, From: "portal-demo@example.com"})
}
