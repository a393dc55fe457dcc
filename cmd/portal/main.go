// Command portal runs the reference partner portal (package portal): the API of
// api/openapi.yaml over HTTP, with its data in a SQLite file.
//
//	portal [-addr 127.0.0.1:8080] [-db portal.db] [-demo] [-tls-cert FILE -tls-key FILE] [-insecure-http] [-smtp HOST:PORT -smtp-from ADDRESS]
//	portal useradd -db FILE -username NAME -name "Display Name" [-company "Company"] [-role partner|support] < password
//
// Plain HTTP is only served on a loopback address unless -insecure-http is given.
// The TOTP secrets are sealed with the key in DB.key (created on first start) or
// in the PORTAL_SECRET_KEY environment variable (32 bytes as hex or base64).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/partnersecurity/partnersecurity/portal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "useradd" {
		err = userAdd(ctx, os.Args[2:], os.Stdin, os.Stdout, os.Stderr)
	} else {
		err = serve(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "portal:") {
			msg = "portal: " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(1)
	}
}

const defaultDB = "portal.db"

// serve runs the portal until ctx ends (SIGINT or SIGTERM), then shuts down
// gracefully: requests under way may finish for up to 10 seconds.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	dbPath := fs.String("db", defaultDB, "SQLite database file (created if missing; its key is stored in FILE.key)")
	demo := fs.Bool("demo", false, "create the demo account "+portal.DemoUsername+" if missing and print its credentials")
	certFile := fs.String("tls-cert", "", "TLS certificate file (PEM); serve HTTPS with -tls-key")
	keyFile := fs.String("tls-key", "", "TLS private key file (PEM)")
	insecure := fs.Bool("insecure-http", false, "allow plain HTTP on a non-loopback address (only behind a TLS proxy)")
	issuer := fs.String("issuer", portal.DefaultIssuer, "issuer name shown in authenticator apps")
	trustProxy := fs.Bool("trust-proxy", false, "take the client address from X-Forwarded-For (only behind a reverse proxy)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	smtpAddr := fs.String("smtp", "", "mail relay HOST:PORT for the notification emails (STARTTLS required unless on loopback; login from "+
		portal.SMTPUsernameEnv+" and "+portal.SMTPPasswordEnv+"); without it they wait in the outbox")
	smtpFrom := fs.String("smtp-from", "", "sender address of the notification emails (with -smtp)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: portal [flags]\n       portal useradd -db FILE -username NAME -name \"Display Name\" [-company \"Company\"] < password\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see portal -h)", fs.Arg(0))
	}
	useTLS := *certFile != "" || *keyFile != ""
	if useTLS && (*certFile == "" || *keyFile == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}
	if !useTLS && !*insecure && !isLoopback(*addr) {
		return fmt.Errorf("refusing plain HTTP on %s, which is not a loopback address: "+
			"give -tls-cert and -tls-key, or -insecure-http if a TLS proxy stands in front", *addr)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	mailer, err := smtpMailer(*smtpAddr, *smtpFrom)
	if err != nil {
		return err
	}

	srv, err := portal.Open(ctx, portal.Config{DBPath: *dbPath, Issuer: *issuer, Logger: logger, TrustProxyHeaders: *trustProxy, Mailer: mailer})
	if err != nil {
		return err
	}
	defer srv.Close()
	var demoAccounts portal.DemoAccounts
	if *demo {
		if demoAccounts, err = srv.EnsureDemoAccounts(ctx); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	banner := fmt.Sprintf("Partner portal listening on %s (database %s)\n", base, *dbPath)
	if mailer == nil {
		banner += "Notification emails: no -smtp relay; they wait in the outbox\n"
	} else {
		banner += fmt.Sprintf("Notification emails: through %s from %s\n", *smtpAddr, *smtpFrom)
	}
	if *demo {
		banner += fmt.Sprintf("Demo account: username %s, password %s\n", portal.DemoUsername, portal.DemoPassword)
		banner += fmt.Sprintf("Demo help desk: username %s, password %s, TOTP secret %s (a code: oathtool --totp -b %s)\n",
			portal.DemoSupportUsername, portal.DemoSupportPassword, demoAccounts.SupportTOTPSecret, demoAccounts.SupportTOTPSecret)
		banner += fmt.Sprintf("Try: curl -s %s/api/v1/health\n", base)
	}
	io.WriteString(stdout, banner) // one write, so readers see the whole banner at once

	hs := srv.HTTPServer()
	served := make(chan error, 1)
	go func() {
		if useTLS {
			served <- hs.ServeTLS(ln, *certFile, *keyFile)
		} else {
			served <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := srv.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Partner portal stopped")
	return nil
}

// smtpMailer is the notification relay of -smtp and -smtp-from, with the login
// from the environment; nil without -smtp.
func smtpMailer(addr, from string) (portal.Mailer, error) {
	if addr == "" {
		if from != "" {
			return nil, errors.New("-smtp-from needs -smtp")
		}
		return nil, nil
	}
	if from == "" {
		return nil, errors.New("-smtp needs -smtp-from, the notification emails' sender address")
	}
	return portal.NewSMTPMailer(portal.SMTPConfig{Addr: addr, From: from,
		Username: os.Getenv(portal.SMTPUsernameEnv), Password: os.Getenv(portal.SMTPPasswordEnv)})
}

// isLoopback reports whether addr's host is a loopback address or localhost. An
// empty host (all interfaces) is not.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// userAdd creates an account, reading its password from the first line of
// standard input.
func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal useradd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", defaultDB, "SQLite database file")
	username := fs.String("username", "", "username to sign in with (required)")
	name := fs.String("name", "", "display name (required)")
	company := fs.String("company", "", "company")
	role := fs.String("role", portal.RolePartner, "account role: "+portal.RolePartner+" (a reseller) or "+portal.RoleSupport+" (help-desk staff, who must then set up two-factor authentication)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: portal useradd -db FILE -username NAME -name \"Display Name\" [-company \"Company\"] [-role partner|support] < password\n\n"+
			"The password is read from the first line of standard input.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see portal useradd -h)", fs.Arg(0))
	}
	if *username == "" || *name == "" {
		return errors.New("useradd needs -username and -name")
	}
	if *role != portal.RolePartner && *role != portal.RoleSupport {
		return fmt.Errorf("-role must be %s or %s", portal.RolePartner, portal.RoleSupport)
	}
	if f, ok := stdin.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(stderr, "Password (shown as you type; end with Enter): ")
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return errors.New("no password on standard input: pipe it in, as in printf '%s\\n' \"$PASSWORD\" | portal useradd -db FILE -username NAME -name NAME")
	}
	if n := len([]rune(password)); n < portal.MinPasswordLength {
		return fmt.Errorf("the password is too short: it needs at least %d characters", portal.MinPasswordLength)
	}
	srv, err := portal.Open(ctx, portal.Config{DBPath: *dbPath})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.CreateUser(ctx, portal.NewUser{Username: *username, Password: password, Name: *name, Company: *company, Role: *role}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created %s account %s in %s\n", *role, strings.ToLower(strings.TrimSpace(*username)), *dbPath)
	return nil
}
