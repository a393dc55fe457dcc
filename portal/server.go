package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a reference portal: its storage, its policy and its HTTP handler.
// Its methods are safe for concurrent use.
type Server struct {
	cfg    Config
	log    *slog.Logger
	db     *sql.DB // the one writer connection: every transaction runs here
	rdb    *sql.DB // read-only connections for lookups outside transactions
	wstmts *stmtCache
	rstmts *stmtCache
	keys   *keyring
	hasher *hasher
	// attempts counts the password checks in flight, for the limits.
	attempts *passwordAttempts
	// dummyHash is verified against when a username is unknown, so that a wrong
	// username costs the same time as a wrong password.
	dummyHash string
	handler   http.Handler
	// sender delivers the outbox's notifications; nil without a Mailer.
	sender *sender
	// polls are the long polls waiting on support sessions (longpoll.go).
	polls *longPolls

	stopJanitor chan struct{}
	janitorDone chan struct{}
	closeOnce   sync.Once
	closeErr    error
}

// Open opens (creating on first start) the database at cfg.DBPath, migrates it to
// the newest schema and returns a Server ready to serve. Close releases it.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	cfg.setDefaults()
	if strings.Contains(cfg.Issuer, ":") {
		return nil, errors.New("portal: Config.Issuer must not contain ':'")
	}
	key, err := loadSecretKey(cfg)
	if err != nil {
		return nil, err
	}
	keys, err := newKeyring(key)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:         cfg,
		log:         cfg.Logger,
		keys:        keys,
		hasher:      newHasher(cfg.MaxConcurrentHashes),
		attempts:    &passwordAttempts{inFlight: map[string]int{}},
		polls:       newLongPolls(),
		stopJanitor: make(chan struct{}),
		janitorDone: make(chan struct{}),
	}
	if s.db, err = openDB(cfg.DBPath, false, 1); err != nil {
		return nil, err
	}
	if err := s.setUpDB(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.rdb, err = openDB(cfg.DBPath, true, 4); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.dummyHash, err = s.hasher.hash(ctx, "not the password of any account"); err != nil {
		s.Close()
		return nil, err
	}
	s.wstmts, s.rstmts = newStmtCache(s.db), newStmtCache(s.rdb)
	s.handler = s.routes()
	s.purgeExpired(ctx)
	go s.janitor()
	if err := s.startSender(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.log.Info("portal opened", "db", cfg.DBPath, "issuer", cfg.Issuer)
	return s, nil
}

func (s *Server) setUpDB(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("portal: open database: %w", err)
	}
	if err := migrate(ctx, s.db); err != nil {
		return err
	}
	return checkKey(ctx, s.db, s.keys)
}

// Handler returns the HTTP handler serving the API (all paths under /api/v1/).
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops background work and closes the database. In-flight requests should
// be finished first (http.Server.Shutdown). Close is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.polls.stop()
		s.stopSender()
		close(s.stopJanitor)
		<-s.janitorDone
		var errs []error
		if s.wstmts != nil {
			s.wstmts.close()
			s.rstmts.close()
		}
		if s.rdb != nil {
			errs = append(errs, s.rdb.Close())
		}
		// A last checkpoint folds the WAL into the database file.
		if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, s.db.Close())
		s.closeErr = errors.Join(errs...)
		s.log.Info("portal closed")
	})
	return s.closeErr
}

// now is the server's clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// janitor deletes expired rows once a minute so the tables stay small.
func (s *Server) janitor() {
	defer close(s.janitorDone)
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-s.stopJanitor:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			s.purgeExpired(ctx)
			cancel()
		}
	}
}

// purgeExpired deletes what can no longer be used: expired sessions and sign-in
// steps, enrollments a day past their expiry (kept that long so a late confirm is
// told "expired" rather than "not found"), and limit counters past their window.
func (s *Server) purgeExpired(ctx context.Context) {
	now := s.now()
	err := s.writeTx(ctx, func(tx *txn) error {
		for _, q := range []struct {
			sql    string
			before time.Time
		}{
			{"DELETE FROM sessions WHERE expires_at <= ?", now},
			{"DELETE FROM mfa_challenges WHERE expires_at <= ?", now},
			{"DELETE FROM enrollments WHERE expires_at <= ?", now.Add(-24 * time.Hour)},
			{"DELETE FROM code_failures WHERE at <= ?", now.Add(-codeFailureWindow)},
			{"DELETE FROM password_failures WHERE at <= ? AND subject LIKE 'address:%'", now.Add(-s.cfg.PasswordFailureWindow)},
			{"DELETE FROM password_failures WHERE at <= ?", now.Add(-max(s.cfg.PasswordFailureWindow, accountFailureWindow))},
			{"DELETE FROM support_sessions WHERE ends_at <= ?", now.Add(-supportSessionKept)},
			{"DELETE FROM support_join_failures WHERE at <= ?", now.Add(-supportJoinFailureWindow)},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, millis(q.before)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("purging expired rows failed", "err", err)
	}
}

// writeTx runs fn in an IMMEDIATE transaction on the writer connection. It
// commits when fn returns nil or an *apiError (a refusal whose bookkeeping, such
// as a counted failure, must persist) and rolls back on any other error.
func (s *Server) writeTx(ctx context.Context, fn func(tx *txn) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &txn{Tx: sqlTx, cache: s.wstmts}
	ferr := fn(tx)
	var refusal *apiError
	if ferr != nil && !errors.As(ferr, &refusal) {
		tx.Rollback()
		return ferr
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.wstmts.preparePending(ctx)
	return ferr
}

// millis is how times are stored: Unix milliseconds.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis reverses millis, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
