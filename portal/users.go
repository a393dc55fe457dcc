package portal

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The demo account that -demo creates (DESIGN § cmd/portal).
const (
	DemoUsername = "reseller@example.com"
	DemoPassword = "demo-password-123"
	DemoName     = "Demo Reseller"
	DemoCompany  = "Demo Reseller Ltd"

	// DemoSupportUsername and DemoSupportPassword are the help-desk account
	// that -demo creates, with two-factor authentication set up (see
	// EnsureDemoAccounts).
	DemoSupportUsername = "helpdesk@example.com"
	DemoSupportPassword = "demo-helpdesk-123"
	DemoSupportName     = "Demo Help Desk"
	DemoSupportCompany  = "Partner Portal Support"
)

// Account roles (DESIGN § Help desk).
const (
	// RolePartner is a reseller's account: its own security only. The default.
	RolePartner = "partner"
	// RoleSupport is a help-desk account: it may also use the /support calls.
	RoleSupport = "support"
)

// ErrUserExists is returned by CreateUser when the username is taken.
var ErrUserExists = errors.New("portal: an account with this username already exists")

// NewUser is an account to create.
type NewUser struct {
	// Username is what the user signs in with, usually an e-mail address. It is
	// compared without regard to case and must not contain ':' (it is part of the
	// otpauth label).
	Username string
	// Password must be at least MinPasswordLength characters.
	Password string
	// Name is the display name; Company may be empty.
	Name    string
	Company string
	// Role is RolePartner or RoleSupport; "" means RolePartner.
	Role string
}

// normalizeUsername is the stored and compared form of a username.
func normalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validate checks u and returns a sentence naming the first problem.
func (u NewUser) validate() error {
	name := normalizeUsername(u.Username)
	switch {
	case name == "" || len(name) > 254:
		return errors.New("portal: username must be 1 to 254 characters")
	case strings.ContainsRune(name, ':'):
		return errors.New("portal: username must not contain ':'")
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return errors.New("portal: username must not contain spaces or control characters")
	case utf8.RuneCountInString(u.Password) < MinPasswordLength:
		return fmt.Errorf("portal: password must be at least %d characters", MinPasswordLength)
	case utf8.RuneCountInString(u.Password) > maxPasswordLength:
		return fmt.Errorf("portal: password must be at most %d characters", maxPasswordLength)
	case strings.TrimSpace(u.Name) == "" || len(u.Name) > 200:
		return errors.New("portal: name must be 1 to 200 characters")
	case len(u.Company) > 200:
		return errors.New("portal: company must be at most 200 characters")
	case u.Role != "" && u.Role != RolePartner && u.Role != RoleSupport:
		return fmt.Errorf("portal: role must be %q or %q", RolePartner, RoleSupport)
	}
	return nil
}

// CreateUser creates an account without two-factor authentication. It returns
// ErrUserExists when the username is taken.
func (s *Server) CreateUser(ctx context.Context, u NewUser) error {
	if err := u.validate(); err != nil {
		return err
	}
	if u.Role == "" {
		u.Role = RolePartner
	}
	hash, err := s.hasher.hash(ctx, u.Password)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx,
		`INSERT INTO accounts (id, username, name, company, password_hash, created_at, role) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		newID(), normalizeUsername(u.Username), strings.TrimSpace(u.Name), strings.TrimSpace(u.Company), hash, millis(s.now()), u.Role)
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return ErrUserExists
	}
	if err != nil {
		return fmt.Errorf("portal: create user: %w", err)
	}
	s.log.Info("account created", "username", normalizeUsername(u.Username), "role", u.Role)
	return nil
}

// EnsureDemoAccount creates the demo account (DemoUsername / DemoPassword, "Demo
// Reseller" of "Demo Reseller Ltd") unless it exists, and reports whether it did.
func (s *Server) EnsureDemoAccount(ctx context.Context) (created bool, err error) {
	if _, err := accountByUsername(ctx, s.rdb, DemoUsername); err == nil {
		return false, nil // skip the password hash
	}
	err = s.CreateUser(ctx, NewUser{Username: DemoUsername, Password: DemoPassword, Name: DemoName, Company: DemoCompany})
	if errors.Is(err, ErrUserExists) {
		return false, nil
	}
	return err == nil, err
}

// account is an account row.
type account struct {
	id, username, name, company string
	passwordHash                string
	totpSecret                  []byte // sealed; nil when 2FA is off
	totpConfiguredAt            sql.NullInt64
	totpLastStep                int64
	role                        string // RolePartner or RoleSupport
}

const accountColumns = `id, username, name, company, password_hash, totp_secret, totp_configured_at, totp_last_step, role`

func scanAccount(row interface{ Scan(...any) error }) (*account, error) {
	var a account
	err := row.Scan(&a.id, &a.username, &a.name, &a.company, &a.passwordHash, &a.totpSecret, &a.totpConfiguredAt, &a.totpLastStep, &a.role)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// accountByID loads an account; sql.ErrNoRows when there is none.
func accountByID(ctx context.Context, q querier, id string) (*account, error) {
	return scanAccount(q.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = ?", id))
}

func accountByUsername(ctx context.Context, q querier, username string) (*account, error) {
	return scanAccount(q.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE username = ?", normalizeUsername(username)))
}

// newID returns a random UUID (version 4) for accounts and enrollments.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
