package portal

import (
	"log/slog"
	"runtime"
	"time"
)

// Config configures a Server. Only DBPath is required; every policy knob has a
// safe default.
type Config struct {
	// DBPath is the SQLite database file; it is created on first start.
	DBPath string
	// SecretKey is the 32-byte key that seals TOTP secrets and hashes recovery
	// codes. When nil, the PORTAL_SECRET_KEY environment variable is used, else
	// the key file DBPath+".key", created with mode 0600 on first start.
	SecretKey []byte
	// Issuer is the name authenticator apps show beside the account; "" means
	// "Partner Portal". It must not contain ':'.
	Issuer string
	// Logger receives structured logs; nil discards them. Logs never hold a
	// password, token, secret, code or recovery code.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time

	// TrustProxyHeaders takes the client address from the last X-Forwarded-For
	// entry. Set it only behind a reverse proxy that sets that header.
	TrustProxyHeaders bool
	// SessionLifetime is how long a session token lasts; 0 means 12 hours.
	SessionLifetime time.Duration
	// PasswordFailuresPerAddress caps the wrong passwords from one client
	// address, for any usernames, in PasswordFailureWindow; 0 means 10 in 15
	// minutes.
	PasswordFailuresPerAddress int
	PasswordFailureWindow      time.Duration
	// PasswordFailuresPerAccount caps the consecutive wrong passwords for one
	// username from all addresses together (NIST SP 800-63B § 5.2.2): a right
	// password clears the count, and a failure is forgotten after 24 hours. 0
	// means 100. It is far above the per-address limit so that a flood from a
	// few addresses cannot lock the owner out.
	PasswordFailuresPerAccount int
	// MaxConcurrentHashes caps parallel argon2id computations (19 MiB each); 0
	// means one per CPU (GOMAXPROCS), at most 8. More than one per CPU adds
	// memory, not speed: each hash runs on one thread.
	MaxConcurrentHashes int
	// MaxQueuedHashes caps the password checks waiting for or running a hash at
	// once; past it a sign-in is refused at once (429) rather than queued. 0
	// means 32 per MaxConcurrentHashes: about 32 hash times (1 to 2 s) of wait
	// at most.
	MaxQueuedHashes int

	// Mailer delivers the notification emails queued in the outbox (DESIGN §
	// Notifications); NewSMTPMailer makes one. Without it the messages wait in
	// the outbox and GET /api/v1/health says notifications are not configured.
	Mailer Mailer
	// OutboxPollInterval is how often the outbox is looked at for messages due;
	// 0 means 5 seconds.
	OutboxPollInterval time.Duration
	// LongPollWait is how long the support sessions' long polls wait for a
	// change at most; 0 means 25 seconds, as the contract says. Tests shorten it.
	LongPollWait time.Duration
}

// Policy fixed by the contract (DESIGN § API contract and § Security rules).
const (
	// DefaultIssuer is the issuer when Config.Issuer is empty.
	DefaultIssuer = "Partner Portal"
	// codeFailureLimit refused codes per account in codeFailureWindow.
	codeFailureLimit  = 5
	codeFailureWindow = 5 * time.Minute
	// reauthAfter is how old a sign-in may be before enrolling or turning 2FA off
	// needs the password again.
	reauthAfter = 10 * time.Minute
	// enrollmentLifetime is how long a generated secret waits for confirmation.
	enrollmentLifetime = 10 * time.Minute
	// mfaTokenLifetime is how long the step between password and code may take.
	mfaTokenLifetime = 5 * time.Minute
	// accountFailureWindow is how long a wrong password counts in the
	// account-wide limit (Config.PasswordFailuresPerAccount) unless a right
	// password clears it first.
	accountFailureWindow = 24 * time.Hour
	// inFlightRetry is the Retry-After of a password check refused because
	// checks in flight could reach a limit: they settle within about a second.
	inFlightRetry = time.Second
	// maxBodyBytes bounds request bodies.
	maxBodyBytes = 64 << 10
)

func (c *Config) setDefaults() {
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SessionLifetime <= 0 {
		c.SessionLifetime = 12 * time.Hour
	}
	if c.PasswordFailuresPerAccount <= 0 {
		c.PasswordFailuresPerAccount = 100
	}
	if c.PasswordFailuresPerAddress <= 0 {
		c.PasswordFailuresPerAddress = 10
	}
	if c.PasswordFailureWindow <= 0 {
		c.PasswordFailureWindow = 15 * time.Minute
	}
	if c.MaxConcurrentHashes <= 0 {
		c.MaxConcurrentHashes = min(runtime.GOMAXPROCS(0), 8)
	}
	if c.MaxQueuedHashes <= 0 {
		c.MaxQueuedHashes = 32 * c.MaxConcurrentHashes
	}
}
