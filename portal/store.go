package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// migrations are the schema's versions, applied in order; PRAGMA user_version
// records how many have run. Never edit one that has shipped: append a new one.
var migrations = []string{
	// 1: accounts, sessions, pending sign-ins and enrollments, recovery codes,
	// limit counters and security events. Times are Unix milliseconds.
	`
CREATE TABLE meta (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;

CREATE TABLE accounts (
	id                 TEXT PRIMARY KEY,
	username           TEXT NOT NULL UNIQUE,
	name               TEXT NOT NULL,
	company            TEXT NOT NULL,
	password_hash      TEXT NOT NULL,
	created_at         INTEGER NOT NULL,
	totp_secret        BLOB,            -- AES-GCM sealed, bound to id; NULL when 2FA is off
	totp_configured_at INTEGER,
	totp_last_step     INTEGER NOT NULL DEFAULT -1 -- kept when 2FA is turned off
) STRICT;

CREATE TABLE sessions (
	token_hash       BLOB PRIMARY KEY,
	account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created_at       INTEGER NOT NULL,
	authenticated_at INTEGER NOT NULL,
	expires_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE mfa_challenges (       -- sign-ins waiting for a code
	token_hash BLOB PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,        -- when the password was checked
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX mfa_challenges_account ON mfa_challenges(account_id);

CREATE TABLE enrollments (
	id         TEXT PRIMARY KEY,        -- deleted when confirmed or replaced
	account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	secret     BLOB NOT NULL,           -- AES-GCM sealed, bound to account_id
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX enrollments_account ON enrollments(account_id);

CREATE TABLE recovery_codes (
	account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	code_hash  BLOB NOT NULL,           -- HMAC-SHA-256 of the normalized code
	used_at    INTEGER,
	PRIMARY KEY (account_id, code_hash)
) STRICT, WITHOUT ROWID;

CREATE TABLE code_failures (
	account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	at         INTEGER NOT NULL
) STRICT;
CREATE INDEX code_failures_account ON code_failures(account_id, at);

CREATE TABLE password_failures (
	subject TEXT NOT NULL,              -- "account:<HMAC of username>" or "address:<ip>"
	at      INTEGER NOT NULL
) STRICT;
CREATE INDEX password_failures_subject ON password_failures(subject, at);

CREATE TABLE events (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	type           TEXT NOT NULL,
	at             INTEGER NOT NULL,
	client_address TEXT NOT NULL,
	detail         TEXT NOT NULL
) STRICT;
CREATE INDEX events_account ON events(account_id, id);
`,
	// 2: the help desk (DESIGN § Help desk): account roles, temporary access
	// codes, and the outbox of notification emails (DESIGN § Notifications).
	`
ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'partner' CHECK (role IN ('partner', 'support'));

CREATE TABLE temporary_access (     -- at most one per account; deleted when used
	account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	code_hash  BLOB NOT NULL,           -- HMAC-SHA-256 of the normalized code
	issued_by  TEXT NOT NULL,           -- the staff account's username
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE outbox (               -- written in the transaction of the change it tells of
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	message_id      TEXT NOT NULL UNIQUE,   -- the Message-ID header, the same on every attempt
	recipient       TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	given_up_at     INTEGER             -- set after 24 hours of failed attempts; kept for the operator
) STRICT;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE given_up_at IS NULL;
`,
	// 3: support sessions, "share my progress with the help desk"
	// (supportsessions.go), and the staff's wrong join codes.
	`
CREATE TABLE support_sessions (
	id                 TEXT PRIMARY KEY,
	account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, -- the partner sharing
	session_hash       BLOB NOT NULL,   -- the partner's sign-in that opened it; sharing ends with it
	code_hash          BLOB,            -- HMAC of the join code; NULL once joined or over
	created_at         INTEGER NOT NULL,
	expires_at         INTEGER NOT NULL, -- the code works until then
	ends_at            INTEGER NOT NULL, -- the session ends then anyway
	state              TEXT NOT NULL CHECK (state IN ('open', 'ended', 'expired')),
	joined_by          TEXT REFERENCES accounts(id) ON DELETE SET NULL,
	joined_by_name     TEXT,            -- the staff member's display name, as the partner is shown it
	joined_at          INTEGER,
	version            INTEGER NOT NULL, -- 1 at creation; every change adds 1
	progress           TEXT,            -- JSON of the fixed progress fields; NULL until shared
	updated_at         INTEGER NOT NULL,
	progress_window_at INTEGER NOT NULL DEFAULT 0, -- the progress update limit's window
	progress_count     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX support_sessions_code ON support_sessions(code_hash) WHERE code_hash IS NOT NULL;
CREATE INDEX support_sessions_account ON support_sessions(account_id, created_at);
CREATE INDEX support_sessions_ends ON support_sessions(ends_at);

CREATE TABLE support_join_failures (
	account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, -- the staff account
	at         INTEGER NOT NULL
) STRICT;
CREATE INDEX support_join_failures_account ON support_join_failures(account_id, at);
`,
}

// busyTimeout is how long a statement waits for a lock another process holds.
const busyTimeout = 10 * time.Second

// openDB opens the database file for a pool: WAL so readers never wait for the
// writer, synchronous=NORMAL (durable across a process crash; the last commits may
// be lost on power loss, which only forgets limits and sessions), a busy timeout
// for other processes, and IMMEDIATE transactions so a transaction that reads then
// writes cannot deadlock against another.
func openDB(path string, readOnly bool, conns int) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("portal: Config.DBPath is required")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("portal: database path %q must not contain '?' or '#'", path)
	}
	// The database holds password hashes and sealed secrets: readable by its
	// owner only. SQLite gives the WAL and shared-memory files the same mode.
	if f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("portal: create database: %w", err)
	}
	dsn := path + fmt.Sprintf("?_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_txlock=immediate"
	if readOnly {
		dsn += "&_pragma=query_only(1)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// migrate brings the schema up to the newest version, one transaction per step. A
// database written by a newer portal is refused rather than misread.
func migrate(ctx context.Context, db *sql.DB) error {
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("portal: read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("portal: database schema version %d is newer than this portal knows (%d)", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("portal: migration %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("portal: migration %d: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("portal: migration %d: %w", v+1, err)
		}
	}
	return nil
}

// checkKey records which secret key seals this database's secrets on first start,
// and refuses another key later: opening with the wrong key would otherwise only
// show up as failed code checks.
func checkKey(ctx context.Context, db *sql.DB, keys *keyring) error {
	var stored []byte
	err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE name = 'key_check'").Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = db.ExecContext(ctx, "INSERT INTO meta (name, value) VALUES ('key_check', ?)", keys.check)
		return err
	case err != nil:
		return err
	case string(stored) != string(keys.check):
		return errors.New("portal: the secret key does not match the one this database was created with " +
			"(was the key file replaced, or PORTAL_SECRET_KEY changed?)")
	}
	return nil
}
